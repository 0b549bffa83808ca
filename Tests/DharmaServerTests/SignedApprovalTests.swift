import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

/// Approvals signed on the approver's own machine: the CLI keeps the keys, the server gets
/// their public halves and verifies each approval with them.
@Suite("Server: approvals signed by the approver", .serialized)
struct SignedApprovalTests {
    @Test(
        "an approver registers keys and signs a run's plan with the CLI; the server verifies it, records how it was signed, and refuses a note signed with other keys"
    )
    func signedOnTheApproversMachine() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint(extra: "approvals: {required: 1, from: [approver-user]}\n"))
        let run = try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            try await RunTests.waitForRun(try await RunTests.queue(.apply, "shop.dev", on: client).id, to: [.needsApproval], on: client)
        }
        let home = Scratch.directory("approver-home")
        let cli = [
            "HOME": home, "XDG_CONFIG_HOME": "", "DHARMA_SERVER": server.url, "DHARMA_TOKEN": tenants.tokens["approver-user"] ?? "", "DHARMA_CA": server.ca,
        ]

        // Unregistered keys sign nothing the server accepts.
        let early = try await runDharmaStatus(["approve", "--remote", run.id, "--sign"], environment: cli)
        #expect(early.status == 2 && early.stderr.contains("registered no approval keys"), "\(early.status): \(early.stderr)")

        let shown = try await runDharma(["keys", "show", "--remote"], environment: cli).split(separator: "\n").map(String.init)
        #expect(shown.count == 2 && shown.allSatisfy { $0.hasPrefix("approver-user+") }, "\(shown)")
        _ = try await runDharma(["keys", "register", "--remote"], environment: cli)
        let registered = try await server.withClient(token: tenants.tokens["approver-user"]) { try await $0.api.getApprovalKeys().ok.body.json.keys }
        #expect(registered == shown, "the server holds the public keys the CLI shows")
        let key = try String(contentsOfFile: home + "/.config/dharma/keys/approver-user.key", encoding: .utf8)
        #expect(!registered.contains { key.contains($0) }, "the private seeds stay on the approver's machine")

        try await server.withClient(token: tenants.tokens["approver-user"]) { approver in
            let request = try await approver.api.getRunApproval(path: .init(org: "acme", run: run.id)).ok.body.json
            #expect(request.statement.hasPrefix("dharma-approval/v1\n") && request.statement.contains(request.planHash))
            #expect(request.approvers == ["approver-user"] && request.approvedBy.isEmpty)

            // A note over this statement signed with keys the approver did not register is refused.
            let stranger = try await runDharma(["keys", "show", "--remote", "--keys", Scratch.directory("stranger-keys")], environment: cli)
            #expect(!stranger.isEmpty)
            let forged = try await runDharmaStatus(
                ["approve", "--remote", run.id, "--sign", "--keys", Scratch.directory("stranger-keys")], environment: cli)
            #expect(forged.status == 2 && forged.stderr.contains("do not verify"), "\(forged.status): \(forged.stderr)")
            let garbage = try await approver.api.approveRun(path: .init(org: "acme", run: run.id), body: .json(.init(signature: "not a note")))
            #expect(AuthorisationTests.status(garbage) == 422)
        }

        let approved = try await runDharma(["approve", "--remote", run.id, "--sign", "--reason", "reviewed in CHG-42"], environment: cli)
        #expect(approved.contains("it applies now"), "\(approved)")
        try await server.withClient(token: tenants.tokens["approver-user"]) { approver in
            let done = try await RunTests.waitForRun(run.id, to: [.applied, .errored], on: approver)
            #expect(done.state == .applied, "\(done.error ?? "")")
            let entries = try await approver.api.listAuditEntries(path: .init(org: "acme")).ok.body.json.items
            let approvals = entries.filter { $0.action == "approve" }
            #expect(approvals.count == 1, "the refused notes left no entry")
            #expect(approvals.first?.reason.contains("signed on approver-user's own machine") == true, "\(approvals.map(\.reason))")
            #expect(approvals.first?.reason.contains("CHG-42") == true)
            let verified = try await approver.api.verifyAuditLog(path: .init(org: "acme")).ok.body.json
            #expect(verified.verified, "\(verified.problems)")
        }
        #expect(
            !FileManager.default.fileExists(atPath: server.data + "/orgs/acme/keys/approvers/approver-user.key"),
            "the server made no key of its own for an approver who signs their approvals")
    }
}
