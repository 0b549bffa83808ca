import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

/// Runs through the API: Terraform Cloud's states, one run at a time per stack, approvals by
/// role and by the blueprint's `approvals:`, discard and cancel.
@Suite("Server: runs", .serialized)
struct RunTests {
    /// Polls the run until it reaches one of `states`.
    static func waitForRun(
        _ id: String, in organisation: String = "acme", to states: Set<Components.Schemas.RunState>, on client: RemoteClient
    ) async throws -> Components.Schemas.Run {
        var latest: Components.Schemas.Run?
        try await waitFor("run \(id) to reach \(states.map(\.rawValue).sorted().joined(separator: " or "))", timeout: 90) {
            latest = try await client.api.getRun(path: .init(org: organisation, run: id)).ok.body.json
            return latest.map { states.contains($0.state) } ?? false
        }
        return try #require(latest)
    }

    static func queue(_ kind: Components.Schemas.RunKind, _ stack: String, on client: RemoteClient) async throws -> Components.Schemas.Run {
        try await client.api.createRun(path: .init(org: "acme", stack: stack), body: .json(.init(kind: .init(rawValue: kind.rawValue), message: "test")))
            .created.body.json
    }

    @Test("a plan-only run and a run with no changes end planned_and_finished; an apply run passes every state and applies")
    func lifecycle() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            let speculative = try await Self.waitForRun(try await Self.queue(.planOnly, "shop.dev", on: client).id, to: [.plannedAndFinished], on: client)
            #expect(speculative.plan?.create == 1)
            #expect(!FileManager.default.fileExists(atPath: server.data + "/orgs/acme/stacks/shop.dev/data/greeting.txt"))

            let applied = try await Self.waitForRun(try await Self.queue(.apply, "shop.dev", on: client).id, to: [.applied, .errored], on: client)
            #expect(applied.state == .applied, "\(applied.error ?? "")")
            #expect(try String(contentsOfFile: server.data + "/orgs/acme/stacks/shop.dev/data/greeting.txt", encoding: .utf8) == "hello")
            let log = try await client.api.getRunLog(path: .init(org: "acme", run: applied.id)).ok.body.json
            let text = log.lines.map(\.text).joined(separator: "\n")
            #expect(text.contains("+ greeting (storage.file) will be created") && text.contains("greeting: created"), "\(text)")

            let again = try await Self.waitForRun(try await Self.queue(.apply, "shop.dev", on: client).id, to: [.plannedAndFinished, .errored], on: client)
            #expect(again.state == .plannedAndFinished && again.plan?.create == 0)

            let resources = try await client.api.listStateResources(path: .init(org: "acme", stack: "shop.dev")).ok.body.json
            #expect(resources.items.map(\.name) == ["greeting"])
            let versions = try await client.api.listStateVersions(path: .init(org: "acme", stack: "shop.dev")).ok.body.json
            #expect(versions.items.count == 1)
            let entries = try await client.api.listAuditEntries(path: .init(org: "acme")).ok.body.json
            #expect(entries.items.contains { $0.action == "apply" && $0.actor == "operator-user" && $0.reason.contains(applied.id) })
        }
    }

    @Test("a protected stack waits for an approver: an operator's run needs approval, the operator cannot give it, an approver can; discard ends the next")
    func protectedStack() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        try await server.withClient { admin in
            let stack = try await admin.api.createStack(path: .init(org: "acme"), body: .json(.init(project: "web", name: "shop", environment: "production")))
                .created.body.json
            #expect(stack.protected)
            _ = try await admin.api.uploadBlueprint(
                path: .init(org: "acme", stack: "shop.production"), body: .yaml(.init(fileBlueprint(environment: "production")))
            )
            .created
        }
        let operatorRun = try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            let run = try await Self.waitForRun(try await Self.queue(.apply, "shop.production", on: client).id, to: [.needsApproval], on: client)
            let refused = try await client.api.approveRun(path: .init(org: "acme", run: run.id), body: .json(.init(reason: "mine")))
            #expect(AuthorisationTests.status(refused) == 403)
            // A second run waits behind the first: one run at a time per stack.
            let queued = try await Self.queue(.apply, "shop.production", on: client)
            #expect(queued.state == .pending)
            return (run, queued)
        }
        try await server.withClient(token: tenants.tokens["approver-user"]) { client in
            let approved = try await client.api.approveRun(path: .init(org: "acme", run: operatorRun.0.id), body: .json(.init(reason: "CHG-7"))).ok.body.json
            #expect(approved.decidedBy == "approver-user")
            let done = try await Self.waitForRun(operatorRun.0.id, to: [.applied, .errored], on: client)
            #expect(done.state == .applied, "\(done.error ?? "")")
            // The queued run starts once the first is done; it changes nothing, so it ends at once.
            let next = try await Self.waitForRun(operatorRun.1.id, to: [.plannedAndFinished, .needsApproval, .errored], on: client)
            #expect(next.state == .plannedAndFinished)
        }
        let entries = try await server.withClient { try await $0.api.listAuditEntries(path: .init(org: "acme")).ok.body.json }
        #expect(entries.items.contains { $0.action == "run-approve" && $0.actor == "approver-user" && $0.reason.contains("CHG-7") })

        // A changed blueprint needs approval again; discarding ends it without applying.
        try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            _ = try await client.api.uploadBlueprint(
                path: .init(org: "acme", stack: "shop.production"), body: .yaml(.init(fileBlueprint(environment: "production", content: "changed")))
            ).created
            let run = try await Self.waitForRun(try await Self.queue(.apply, "shop.production", on: client).id, to: [.needsApproval], on: client)
            let discarded = try await server.withClient(token: tenants.tokens["approver-user"]) {
                try await $0.api.discardRun(path: .init(org: "acme", run: run.id), body: .json(.init(reason: "not now"))).ok.body.json
            }
            #expect(discarded.state == .discarded)
        }
        #expect(try String(contentsOfFile: server.data + "/orgs/acme/stacks/shop.production/data/greeting.txt", encoding: .utf8) == "hello")
    }

    @Test("a blueprint's approvals: the server signs for the approver it names, and the run applies once enough have approved")
    func blueprintApprovals() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(
            on: server, blueprint: fileBlueprint(extra: "approvals: {required: 1, from: [approver-user, someone-else]}\n"))
        let run = try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            try await Self.waitForRun(try await Self.queue(.apply, "shop.dev", on: client).id, to: [.needsApproval], on: client)
        }
        #expect(Set(run.approvalsMissing ?? []) == ["approver-user", "someone-else"])
        try await server.withClient(token: tenants.tokens["admin-user"]) { client in
            // An admin may approve runs, but the blueprint names who must.
            let refused = try await client.api.approveRun(path: .init(org: "acme", run: run.id), body: .json(.init()))
            #expect(AuthorisationTests.status(refused) == 403)
        }
        try await server.withClient(token: tenants.tokens["approver-user"]) { client in
            _ = try await client.api.approveRun(path: .init(org: "acme", run: run.id), body: .json(.init(reason: "looks right"))).ok
            let done = try await Self.waitForRun(run.id, to: [.applied, .errored], on: client)
            #expect(done.state == .applied, "\(done.error ?? "")")
            let entries = try await client.api.listAuditEntries(path: .init(org: "acme")).ok.body.json
            let approval = try #require(entries.items.first { $0.action == "approve" })
            #expect(approval.actor == "approver-user" && approval.reason.contains("signed by the server for approver-user"))
            let verified = try await client.api.verifyAuditLog(path: .init(org: "acme")).ok.body.json
            #expect(verified.verified, "\(verified.problems)")
        }
    }

    @Test("a run that has not started can be canceled by its author; an ended one cannot")
    func cancel() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint(extra: "approvals: {required: 1, from: [approver-user]}\n"))
        try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            let first = try await Self.waitForRun(try await Self.queue(.apply, "shop.dev", on: client).id, to: [.needsApproval], on: client)
            let second = try await Self.queue(.apply, "shop.dev", on: client)
            let canceled = try await client.api.cancelRun(path: .init(org: "acme", run: second.id)).ok.body.json
            #expect(canceled.state == .canceled)
            let waiting = try await client.api.cancelRun(path: .init(org: "acme", run: first.id)).ok.body.json
            #expect(waiting.state == .canceled)
            let again = try await client.api.cancelRun(path: .init(org: "acme", run: first.id))
            #expect(AuthorisationTests.status(again) == 409)
            // The stack is free again: a new run plans at once.
            let third = try await Self.waitForRun(try await Self.queue(.planOnly, "shop.dev", on: client).id, to: [.plannedAndFinished], on: client)
            #expect(third.plan?.create == 1)
        }
    }
}
