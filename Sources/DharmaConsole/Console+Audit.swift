import DharmaAudit
import DharmaService
import Foundation
import Hummingbird

struct AuditView {
    struct Entry {
        var seq: UInt64
        var time: String
        var actor: String
        var action: String
        var stack: String
        var reason: String
        var proofURL: String
    }
    struct Signature {
        var name: String
        var keyID: String
        /// The log's own key, or a witness's cosignature.
        var kind: String
    }
    var organisation: String
    var entries: [Entry]
    var none: Bool
    var checkpointSize: UInt64?
    var checkpointRoot: String?
    var signatures: [Signature]
    /// The filters as given, to show them back in the form.
    var stack: String
    var actor: String
    var since: String
    var sinceChoices: [Choice]
    struct Choice {
        var value: String
        var label: String
        var selected: Bool
    }
}

/// The organisation's audit log, filtered by stack, actor and time, with each entry's
/// inclusion proof checked in the browser against the latest signed checkpoint.
extension Console {
    static let sinceChoices: [(value: String, label: String, seconds: Double?)] = [
        ("", "any time", nil), ("1h", "the last hour", 3600), ("24h", "the last day", 86_400), ("7d", "the last week", 7 * 86_400),
    ]

    func auditPage(_ request: Request, _ organisation: String) async throws -> Response {
        let (tenants, _, _) = try acting()
        let query = request.uri.queryParameters
        let stack = String(query["stack"] ?? "").trimmingCharacters(in: .whitespaces)
        let actor = String(query["actor"] ?? "").trimmingCharacters(in: .whitespaces)
        let since = Self.sinceChoices.first { $0.value == String(query["since"] ?? "") } ?? Self.sinceChoices[0]
        let scope = try await tenants.auditScope(organisation, .read, to: "read the audit log")
        let service = AuditService(context: scope.context)
        let filter = AuditFilter(
            stack: stack.isEmpty ? nil : stack.replacingOccurrences(of: ".", with: "/"), actor: actor.isEmpty ? nil : actor,
            since: since.seconds.map { Date().timeIntervalSince1970 - $0 })
        let entries = try await service.log(scope.selector, filter: filter).reversed().prefix(200).map { entry in
            AuditView.Entry(
                seq: entry.seq, time: entry.time, actor: entry.actor, action: entry.action, stack: entry.stack, reason: entry.reason,
                proofURL: "/console/orgs/\(organisation)/audit/\(entry.seq)/proof")
        }
        let checkpoint = try? await service.checkpoint(scope.selector)
        let logKeys = Set((checkpoint?.keys ?? []).compactMap { $0.split(separator: "+").first.map(String.init) })
        let signatures = (checkpoint?.note ?? "").split(separator: "\n").compactMap { line -> AuditView.Signature? in
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "—", let signature = Data(base64Encoded: String(parts[2])), signature.count >= 4 else { return nil }
            let name = String(parts[1])
            return AuditView.Signature(
                name: name, keyID: signature.prefix(4).map { String(format: "%02x", $0) }.joined(), kind: logKeys.contains(name) ? "log key" : "witness")
        }
        let view = AuditView(
            organisation: organisation, entries: Array(entries), none: entries.isEmpty, checkpointSize: checkpoint?.checkpoint.size,
            checkpointRoot: checkpoint?.checkpoint.root.hex, signatures: signatures, stack: stack, actor: actor, since: since.value,
            sinceChoices: Self.sinceChoices.map { .init(value: $0.value, label: $0.label, selected: $0.value == since.value) })
        return pages.render(.audit, title: "Audit log of \(organisation)", view)
    }

    /// What the browser needs to check entry `seq` itself: the entry as hashed, the proof's
    /// hashes and the signed checkpoint it leads to (the browser reads the root from the note).
    func auditProof(_ organisation: String, _ seq: String) async throws -> Response {
        let (tenants, _, _) = try acting()
        guard let index = UInt64(seq) else { throw HTTPError(.notFound) }
        let scope = try await tenants.auditScope(organisation, .read, to: "read the audit log")
        let proof = try await AuditService(context: scope.context).proof(index, scope.selector)
        let body: [String: Any] = [
            "seq": Int(proof.seq), "treeSize": Int(proof.treeSize), "entry": proof.body, "proof": proof.proof.map(\.hex), "checkpoint": proof.checkpoint,
        ]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The whole log as an evidence bundle, the file `dharma audit verify --bundle` checks offline.
    func evidenceBundle(_ organisation: String) async throws -> Response {
        let (tenants, _, _) = try acting()
        let scope = try await tenants.auditScope(organisation, .read, to: "export the audit log")
        let data = try AuditService.encoded(try await AuditService(context: scope.context).bundle(scope.selector))
        let day = Date().formatted(.iso8601.year().month().day())
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"dharma-evidence-\(organisation)-\(day).json\"",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
