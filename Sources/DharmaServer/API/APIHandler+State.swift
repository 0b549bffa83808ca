import DharmaAPI
import DharmaAudit
import DharmaCore
import DharmaService
import DharmaStore
import Foundation
import OpenAPIRuntime

/// Recorded state and the organisation's audit log.
extension APIHandler {
    func listStateResources(_ input: Operations.ListStateResources.Input) async throws -> Operations.ListStateResources.Output {
        await respond(Operations.ListStateResources.Output.default) { () throws(ServiceError) in
            let tenants = try tenants()
            let scope = try await tenants.stackScope(input.path.stack, in: input.path.org, .read, to: "read state")
            let mask = try await tenants.secretMask(input.path.stack, in: input.path.org)
            let service = StateService(context: scope.context)
            let page = try Cursor.page(input.query.cursor, input.query.limit)
            let names = try await service.list(scope.selector).resources.map(\.name).filter { $0 > (page.after ?? "") }
            var items: [Components.Schemas.Resource] = []
            for name in names.prefix(page.limit) { items.append(Self.resource(try await service.show(name, scope.selector), mask: mask)) }
            let next = names.count > page.limit ? items.last?.name : nil
            return .ok(.init(body: .json(.init(items: items, nextCursor: Cursor.encode(next)))))
        }
    }

    func getStateOutputs(_ input: Operations.GetStateOutputs.Input) async throws -> Operations.GetStateOutputs.Output {
        await respond(Operations.GetStateOutputs.Output.default) { () throws(ServiceError) in
            let tenants = try tenants()
            let scope = try await tenants.stackScope(input.path.stack, in: input.path.org, .read, to: "read outputs")
            let mask = try await tenants.secretMask(input.path.stack, in: input.path.org)
            let (_, outputs) = try await StateService(context: scope.context).outputs(scope.selector)
            return .ok(.init(body: .json(.init(outputs: .init(additionalProperties: Value.object(outputs.mapValues(mask.mask)))))))
        }
    }

    func listStateVersions(_ input: Operations.ListStateVersions.Input) async throws -> Operations.ListStateVersions.Output {
        await respond(Operations.ListStateVersions.Output.default) { () throws(ServiceError) in
            let scope = try await tenants().stackScope(input.path.stack, in: input.path.org, .read, to: "read state versions")
            let page = try Cursor.page(input.query.cursor, input.query.limit)
            let (_, versions) = try await StateService(context: scope.context).history(scope.selector)
            let newest = versions.sorted { $0.version > $1.version }.filter { $0.version < (page.after.flatMap(Int.init) ?? .max) }
            let items = newest.prefix(page.limit).map {
                Components.Schemas.StateVersion(
                    version: $0.version, operation: $0.operation?.rawValue ?? "unknown", actor: "", createdAt: Date(epoch: $0.createdAt))
            }
            let next = newest.count > page.limit ? items.last.map { String($0.version) } : nil
            return .ok(.init(body: .json(.init(items: Array(items), nextCursor: Cursor.encode(next)))))
        }
    }

    func listAuditEntries(_ input: Operations.ListAuditEntries.Input) async throws -> Operations.ListAuditEntries.Output {
        await respond(Operations.ListAuditEntries.Output.default) { () throws(ServiceError) in
            let scope = try await tenants().auditScope(input.path.org, .read, to: "read the audit log")
            let page = try Cursor.page(input.query.cursor, input.query.limit)
            let stack = input.query.stack.map { $0.replacingOccurrences(of: ".", with: "/") }
            let entries = try await AuditService(context: scope.context).log(scope.selector, filter: AuditFilter(stack: stack, actor: input.query.actor))
            let newest = entries.reversed().filter { $0.seq < (page.after.flatMap(UInt64.init) ?? .max) }
            let items = newest.prefix(page.limit).map {
                Components.Schemas.AuditEntry(
                    index: Int($0.seq), actor: $0.actor, action: $0.action, stack: $0.stack, time: Self.date($0.time), reason: $0.reason,
                    resources: $0.resources)
            }
            let next = newest.count > page.limit ? items.last.map { String($0.index) } : nil
            return .ok(.init(body: .json(.init(items: Array(items), nextCursor: Cursor.encode(next)))))
        }
    }

    func verifyAuditLog(_ input: Operations.VerifyAuditLog.Input) async throws -> Operations.VerifyAuditLog.Output {
        await respond(Operations.VerifyAuditLog.Output.default) { () throws(ServiceError) in
            let scope = try await tenants().auditScope(input.path.org, .read, to: "verify the audit log")
            var witnesses: [String] = []
            var quorum = 1
            if case .json(let request) = input.body {
                witnesses = request.witnesses ?? []
                quorum = request.quorum ?? 1
            }
            let verification = try await AuditService(context: scope.context).verify(scope.selector, witnesses: witnesses, quorum: quorum)
            let report = verification.report
            return .ok(
                .init(
                    body: .json(
                        .init(
                            verified: report.ok, entries: report.entries, checkpoints: report.checkpoints, problems: report.problems.map(\.message),
                            witnessing: witnesses.isEmpty
                                ? nil
                                : report.witnessing.map {
                                    .init(checkpoint: $0.checkpoint, size: Int($0.size), witnesses: $0.witnesses, final: $0.final)
                                }))))
        }
    }
}

extension APIHandler {
    /// An audit entry's RFC 3339 time.
    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) ?? Date(epoch: 0)
    }
}

/// The organisation's log: its checkpoint, proofs and evidence bundle.
extension APIHandler {
    func getAuditCheckpoint(_ input: Operations.GetAuditCheckpoint.Input) async throws -> Operations.GetAuditCheckpoint.Output {
        await respond(Operations.GetAuditCheckpoint.Output.default) { () throws(ServiceError) in
            let scope = try await tenants().auditScope(input.path.org, .read, to: "read the audit log")
            let (checkpoint, note, keys) = try await AuditService(context: scope.context).checkpoint(scope.selector)
            return .ok(.init(body: .json(.init(size: Int(checkpoint.size), root: checkpoint.root.hex, note: note, keys: keys))))
        }
    }

    func getInclusionProof(_ input: Operations.GetInclusionProof.Input) async throws -> Operations.GetInclusionProof.Output {
        await respond(Operations.GetInclusionProof.Output.default) { () throws(ServiceError) in
            guard input.path.seq >= 0 else { throw .invalidInput("seq counts from 0", pointer: "/seq") }
            let scope = try await tenants().auditScope(input.path.org, .read, to: "read the audit log")
            let proof = try await AuditService(context: scope.context).proof(UInt64(input.path.seq), scope.selector)
            return .ok(.init(body: .json(Self.report(proof.json))))
        }
    }

    func getConsistencyProof(_ input: Operations.GetConsistencyProof.Input) async throws -> Operations.GetConsistencyProof.Output {
        await respond(Operations.GetConsistencyProof.Output.default) { () throws(ServiceError) in
            guard input.query.new >= input.query.old else {
                throw .notFound("no consistency proof from \(input.query.old) to a smaller tree of \(input.query.new)")
            }
            let scope = try await tenants().auditScope(input.path.org, .read, to: "read the audit log")
            let size = try await AuditService(context: scope.context).checkpoint(scope.selector).checkpoint.size
            guard UInt64(input.query.new) <= size else {
                throw .notFound("the log's latest checkpoint covers \(size) entries, not \(input.query.new)")
            }
            let proof = try await AuditService(context: scope.context).consistency(
                old: UInt64(input.query.old), new: UInt64(input.query.new), scope.selector)
            return .ok(.init(body: .json(Self.report(proof.json))))
        }
    }

    func getEvidenceBundle(_ input: Operations.GetEvidenceBundle.Input) async throws -> Operations.GetEvidenceBundle.Output {
        await respond(Operations.GetEvidenceBundle.Output.default) { () throws(ServiceError) in
            let scope = try await tenants().auditScope(input.path.org, .read, to: "export the audit log")
            return .ok(.init(body: .json(try Self.report(encoding: try await AuditService(context: scope.context).bundle(scope.selector)))))
        }
    }
}
