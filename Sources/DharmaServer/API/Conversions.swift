import DharmaAPI
import DharmaCore
import DharmaPolicy
import DharmaService
import DharmaStore
import Foundation
import OpenAPIRuntime

/// Domain values as the API's schemas. Timestamps are seconds since 1970 in the domain and
/// RFC 3339 on the wire.
extension Date {
    init(epoch: Double) { self.init(timeIntervalSince1970: epoch) }
}

/// Cursors are opaque to clients: the store's key for the last item, base64url-encoded.
enum Cursor {
    static func encode(_ key: String?) -> String? {
        key.map { Data($0.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") }
    }

    /// The page a cursor and limit ask for. A cursor this server did not give still names a
    /// well-defined page (the items after it in the list's order), so it is not an error.
    static func page(_ cursor: String?, _ limit: Int?) throws(ServiceError) -> PageRequest {
        if let limit, !(1...200).contains(limit) { throw .invalidInput("limit \(limit): give 1 to 200", pointer: "/limit") }
        guard let cursor else { return PageRequest(limit: limit ?? 50) }
        let base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let padded = base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let key = Data(base64Encoded: padded).flatMap { String(data: $0, encoding: .utf8) } ?? cursor
        return PageRequest(after: key, limit: limit ?? 50)
    }
}

extension Components.Schemas.Organisation {
    init(_ organisation: Organisation, role: Role?) {
        self.init(name: organisation.name, createdAt: Date(epoch: organisation.createdAt), role: role?.rawValue)
    }
}

extension Components.Schemas.Member {
    init(_ membership: Membership) {
        self.init(organisation: membership.organisation, user: membership.user, role: membership.role.rawValue)
    }
}

extension Components.Schemas.User {
    init(_ user: User) {
        self.init(name: user.name, serverAdmin: user.serverAdmin, createdAt: Date(epoch: user.createdAt))
    }
}

extension Components.Schemas.Token {
    init(_ token: APIToken) {
        self.init(
            id: token.id, name: token.name, user: token.user, createdAt: Date(epoch: token.createdAt), expiresAt: token.expiresAt.map(Date.init(epoch:)),
            lastUsedAt: token.lastUsedAt.map(Date.init(epoch:)), revoked: token.revoked)
    }
}

extension Components.Schemas.Project {
    init(_ project: Project) {
        self.init(organisation: project.organisation, name: project.name, createdAt: Date(epoch: project.createdAt))
    }
}

extension Components.Schemas.Stack {
    init(_ stack: ManagedStack, latestBlueprint: Int? = nil, latestRun: String? = nil) {
        self.init(
            organisation: stack.organisation, project: stack.project, name: stack.stack.name, environment: stack.stack.environment, ref: stack.reference,
            protected: stack.protected, createdAt: Date(epoch: stack.createdAt), latestBlueprint: latestBlueprint, latestRun: latestRun,
            lockedBy: stack.lockedBy, lockReason: stack.lockReason)
    }
}

extension Components.Schemas.BlueprintVersion {
    init(_ version: BlueprintVersion) {
        self.init(version: version.version, sha256: version.sha256, author: version.author, createdAt: Date(epoch: version.createdAt))
    }
}

extension Components.Schemas.Diagnostic {
    init(_ diagnostic: Diagnostic, renderer: DiagnosticRenderer) {
        self.init(
            severity: diagnostic.severity == .error ? .error : .warning, code: diagnostic.code, message: diagnostic.message,
            file: diagnostic.location?.file, line: diagnostic.location?.line ?? 0, column: diagnostic.location?.column ?? 0, hint: diagnostic.hint,
            rendered: renderer.render(diagnostic))
    }

    static func all(_ diagnostics: [Diagnostic], sources: [String: SourceText]) -> [Self] {
        let renderer = DiagnosticRenderer(sources: sources)
        return diagnostics.map { Self($0, renderer: renderer) }
    }
}

extension Components.Schemas.Finding {
    init(_ finding: Finding) {
        self.init(
            rule: finding.rule.id, severity: finding.rule.severity.rawValue, resource: finding.resource.address, title: finding.rule.title,
            passed: finding.verdict == .pass, remediation: finding.rule.remediation)
    }
}

extension Components.Schemas.Run {
    init(_ run: Run) {
        self.init(
            id: run.id, organisation: run.organisation, stack: "\(run.stack.name).\(run.stack.environment)", kind: .init(rawValue: run.kind.rawValue) ?? .apply,
            state: .init(rawValue: run.state.rawValue) ?? .errored, actor: run.actor, message: run.message, blueprintVersion: run.blueprintVersion,
            createdAt: Date(epoch: run.createdAt), updatedAt: Date(epoch: run.updatedAt),
            plan: run.plan.map { .init(create: $0.create, update: $0.update, replace: $0.replace, delete: $0.delete) }, monthlyCost: run.monthlyCost,
            monthlyCostDelta: run.monthlyCostDelta, monthlyCarbonKg: run.monthlyCarbonKg, monthlyCarbonDeltaKg: run.monthlyCarbonDeltaKg,
            policyVerdict: run.policyVerdict,
            policyFindings: run.policyFindings?.map {
                .init(
                    rule: $0.rule, title: $0.title, severity: .init(rawValue: $0.severity.rawValue) ?? .info, resource: $0.resource,
                    remediation: $0.remediation,
                    waiver: $0.waiver.map { .init(approver: $0.approver, expires: $0.expires, justification: $0.justification) })
            }, policyOverridable: run.policyOverridable,
            policyOverride: run.policyOverride.map(Components.Schemas.PolicyOverride.init),
            approvalsMissing: run.approvalsMissing, error: run.error, decidedBy: run.decidedBy,
            stateVersion: run.stateVersion)
    }
}

extension Components.Schemas.RunLogLine {
    init(_ line: RunLogLine) {
        self.init(index: line.index, time: Date(epoch: line.time), text: line.text)
    }
}

/// Values as JSON the generated layer can carry in a free-form object.
extension Value {
    static func object(_ entries: [String: Value]) -> OpenAPIObjectContainer {
        (try? OpenAPIObjectContainer(unvalidatedValue: entries.mapValues(\.jsonObject))) ?? OpenAPIObjectContainer()
    }

    /// Plain Foundation values, as JSONSerialization takes them.
    var jsonObject: (any Sendable)? {
        switch self {
        case .null: nil
        case .bool(let value): value
        case .int(let value): value
        case .double(let value): value
        case .string(let value): value
        case .list(let values): values.map(\.jsonObject)
        case .map(let entries): entries.mapValues(\.jsonObject)
        case .unknown(let expression): "(known after apply: \(expression))"
        }
    }
}
