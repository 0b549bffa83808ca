import DharmaCore
import DharmaSecurity
import Foundation

/// M-of-N approvals of one exact plan, kept on the audit log. An approval is a signed note
/// (Ed25519 and ML-DSA-65, the approver's own keys) over the stack and the plan's hash; apply
/// counts only approvals whose signatures verify and whose hash is the plan's.
public struct Approvals: Sendable {
    public let log: AuditLog
    /// Where approvers' keys live (`STATE_DIR/keys/approvers/`).
    public let keys: KeyDirectory
    /// Public keys approvers registered themselves, by name: their approvals are signed on
    /// their own machines, and no one else holds the private keys.
    public let registered: [String: [NoteVerifier]]

    public init(log: AuditLog, keys: KeyDirectory, registered: [String: [NoteVerifier]] = [:]) {
        self.log = log
        self.keys = keys
        self.registered = registered
    }

    public struct Status: Sendable, Equatable {
        public var required: Int
        public var approvedBy: [String]
        public var missing: [String]
        public var satisfied: Bool { approvedBy.count >= required }
    }

    /// The plan's identity: SHA-256 of its canonical JSON.
    public static func hash(of plan: Plan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return AuditHash.sha256Hex((try? encoder.encode(plan)) ?? Data())
    }

    static func statement(stack: StackID, planHash: String) -> String {
        "dharma-approval/v1\n\(stack)\n\(planHash)\n"
    }

    /// The text an approver signs to approve exactly this plan.
    public static func statement(for plan: Plan) -> String {
        statement(stack: plan.stack, planHash: hash(of: plan))
    }

    /// Signs the plan as `approver` and appends the approval to the log.
    @discardableResult
    public func approve(_ plan: Plan, as approver: String, reason: String?) async throws -> AuditEntry {
        guard let policy = plan.approvals else {
            throw AuditError("this plan's blueprint asks for no approvals; it can be applied as it is")
        }
        guard policy.from.contains(approver) else {
            throw AuditError("`\(approver)` is not among the approvers of this stack (\(policy.from.joined(separator: ", ")))")
        }
        let planHash = Self.hash(of: plan)
        let note = try SignedNote(text: Self.statement(stack: plan.stack, planHash: planHash), signers: try keys.signers(named: approver))
        return try await append(plan, as: approver, note: note, reason: reason)
    }

    /// Records an approval `approver` signed elsewhere, with the keys they registered: refused
    /// unless `note` states exactly this plan and both of its signatures verify.
    @discardableResult
    public func record(_ plan: Plan, as approver: String, note: SignedNote, reason: String?) async throws -> AuditEntry {
        guard let policy = plan.approvals else {
            throw AuditError("this plan's blueprint asks for no approvals; it can be applied as it is")
        }
        guard policy.from.contains(approver) else {
            throw AuditError("`\(approver)` is not among the approvers of this stack (\(policy.from.joined(separator: ", ")))")
        }
        let verifiers = registered[approver] ?? []
        try Self.check(note, states: plan, signedBy: verifiers, approver: approver)
        // Kept beside the approver keys, so every later check (the apply's) verifies it too.
        try keys.addPublicKeys(verifiers, of: approver)
        return try await append(plan, as: approver, note: note, reason: reason)
    }

    /// Refuses a note that does not state exactly `plan`, or lacks a valid signature of each
    /// algorithm among `verifiers`.
    public static func check(_ note: SignedNote, states plan: Plan, signedBy verifiers: [NoteVerifier], approver: String) throws(AuditError) {
        guard note.text == statement(for: plan) else {
            throw AuditError("the signed approval does not state this run's plan (\(hash(of: plan).prefix(12))); sign the statement the server gives")
        }
        guard !verifiers.isEmpty else { throw AuditError("`\(approver)` has registered no approval keys") }
        let valid = Set(note.validSigners(among: verifiers).map(\.algorithm))
        guard valid == Set(SignatureAlgorithm.allCases) else {
            throw AuditError("the approval's signatures do not verify with the keys `\(approver)` registered (Ed25519 and ML-DSA-65 both needed)")
        }
    }

    private func append(_ plan: Plan, as approver: String, note: SignedNote, reason: String?) async throws -> AuditEntry {
        let planHash = Self.hash(of: plan)
        let entries = try await log.append([
            AuditDraft(
                actor: approver, action: "approve", stack: plan.stack.description, resources: plan.changes.filter { $0.action != .noop }.map(\.resource),
                reason: reason ?? "approved plan \(planHash.prefix(12))", planHash: planHash,
                payloadHash: AuditHash.sha256Hex(Data(note.serialized.utf8)), evidence: note.serialized)
        ])
        guard let entry = entries.first else { throw AuditError("the approval was not recorded") }
        return entry
    }

    /// Which approvers have validly approved exactly this plan.
    public func status(of plan: Plan) async throws -> Status? {
        guard let policy = plan.approvals else { return nil }
        let planHash = Self.hash(of: plan)
        let expected = Self.statement(stack: plan.stack, planHash: planHash)
        var candidates: [(approver: String, note: SignedNote)] = []
        try await log.store.forEachAuditEntry(from: 0, to: .max) { record in
            let body = record.body
            // Cheap filters first: most entries are not approvals of this plan.
            guard body.contains(planHash), let entry = AuditEntry.parse(body), entry.action == "approve",
                entry.planHash == planHash, policy.from.contains(entry.actor), let evidence = entry.evidence,
                let note = try? SignedNote(parsing: evidence), note.text == expected
            else { return }
            candidates.append((entry.actor, note))
        }
        // An approval counts when both of the approver's signatures verify.
        var valid: [String] = []
        for approver in policy.from where candidates.contains(where: { $0.approver == approver }) {
            let verifiers = try keys.verifiers(of: approver) + (registered[approver] ?? [])
            let signed = candidates.filter { $0.approver == approver }.contains { candidate in
                Set(candidate.note.validSigners(among: verifiers).map(\.algorithm)) == Set(SignatureAlgorithm.allCases)
            }
            if signed { valid.append(approver) }
        }
        return Status(required: policy.required, approvedBy: valid, missing: policy.from.filter { !valid.contains($0) })
    }
}
