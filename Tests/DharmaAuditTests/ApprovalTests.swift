import DharmaAudit
import DharmaCore
import DharmaSecurity
import Foundation
import Testing

@Suite("Approvals", .serialized)
struct ApprovalTests {
    func plan(content: String) -> Plan {
        var plan = Plan(
            stack: StackID(name: "shop", environment: "default"), blueprintPath: "/x/shop.yaml", blueprintHash: "h",
            stateSerial: 3, observedFingerprint: "f",
            changes: [
                ResourceChange(
                    resource: "a", type: "storage.file", action: .create,
                    diff: [AttributeDiff(attribute: "content", old: nil, new: .string(content))],
                    reason: nil, desired: nil)
            ],
            outputs: [:], variables: [:])
        plan.approvals = ApprovalPolicy(required: 2, from: ["alice", "bob"])
        return plan
    }

    @Test("approvals count per exact plan and per approver; a forged approval does not count")
    func counting() async throws {
        let fixture = try await LogFixture(entries: 0)
        let approvals = Approvals(log: fixture.log, keys: KeyDirectory(path: fixture.path + ".approvers"))
        let planned = plan(content: "one")
        try await approvals.approve(planned, as: "alice", reason: nil)
        try await approvals.approve(planned, as: "alice", reason: "again")
        let first = try #require(try await approvals.status(of: planned))
        #expect(first.approvedBy == ["alice"] && first.missing == ["bob"] && first.required == 2 && !first.satisfied)
        // Approving another plan does not help this one.
        try await approvals.approve(plan(content: "two"), as: "bob", reason: nil)
        #expect(try await approvals.status(of: planned)?.satisfied == false)

        // Someone with write access to the log forges bob's approval with keys of their own.
        let impostor = [try NoteSigner.generate(name: "bob", algorithm: .ed25519), try NoteSigner.generate(name: "bob", algorithm: .mldsa65)]
        let hash = Approvals.hash(of: planned)
        let note = try SignedNote(text: "dharma-approval/v1\nshop/default\n\(hash)\n", signers: impostor).serialized
        try await fixture.log.append([
            AuditDraft(
                actor: "bob", action: "approve", stack: "shop/default", reason: "forged",
                planHash: hash, evidence: note)
        ])
        #expect(try await approvals.status(of: planned)?.approvedBy == ["alice"])

        try await approvals.approve(planned, as: "bob", reason: nil)
        #expect(try await approvals.status(of: planned)?.satisfied == true)
        await #expect(throws: AuditError.self) { try await approvals.approve(planned, as: "mallory", reason: nil) }
        #expect(try await fixture.log.verify().ok)
    }
}
