import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

/// A server killed in the middle of an apply. The run is marked errored on restart, not
/// resumed: an apply half-done cannot be continued safely from a plan made against the world
/// as it was, while the state database holds every resource that finished, so a new run
/// plans from what is really there. The stack's lock (held by the dead process) is broken as
/// stale by the next run, and the audit log verifies.
@Suite("Server: crash during a run", .serialized)
struct CrashTests {
    /// The slow service waits for this file before it serves, so the apply is still under
    /// way when the server is killed, however loaded the machine.
    static func blueprint(release: String) -> String {
        """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: shop, environment: dev}
        target: {provider: local, region: local-1}
        resources:
          greeting:
            type: storage.file
            properties: {path: data/greeting.txt, content: "hello", mode: "0644"}
          slow:
            type: compute.service
            dependsOn: [greeting]
            properties:
              command: [sh, -c, "while [ ! -e \(release) ]; do sleep 0.2; done; exec \(TestPaths.dharma) workload --port ${self.port}"]
              health: {http: /healthz, timeout: 60s}
              stopGracePeriod: 1s
        """
    }

    @Test("kill -9 during an apply: the run is errored on restart, the lock is free, a new run applies, the audit log verifies")
    func killDuringApply() async throws {
        let first = try await ServerProcess()
        let data = first.data
        defer { killProcesses(under: data) }
        let release = Scratch.path("release")
        let tenants = try await Tenants.make(on: first, blueprint: Self.blueprint(release: release))
        let token = try #require(tenants.tokens["operator-user"])
        let run = try await first.withClient(token: token) { client in
            let run = try await RunTests.queue(.apply, "shop.dev", on: client)
            try await waitFor("run \(run.id) to start the slow service", timeout: 60) {
                let log = try await client.api.getRunLog(path: .init(org: "acme", run: run.id)).ok.body.json
                return log.lines.contains { $0.text == "slow: creating…" }
            }
            return run
        }
        first.kill()
        FileManager.default.createFile(atPath: release, contents: nil)

        let second = try await ServerProcess(data: data)
        defer { second.kill() }
        try await second.withClient(token: token) { client in
            let settled = try await client.api.getRun(path: .init(org: "acme", run: run.id)).ok.body.json
            #expect(settled.state == .errored)
            #expect(settled.error?.contains("the server stopped while the run was applying") == true, "\(settled.error ?? "")")
            // What finished before the crash is recorded.
            let recorded = try await client.api.listStateResources(path: .init(org: "acme", stack: "shop.dev")).ok.body.json
            #expect(recorded.items.map(\.name).contains("greeting"))

            let again = try await RunTests.waitForRun(try await RunTests.queue(.apply, "shop.dev", on: client).id, to: [.applied, .errored], on: client)
            #expect(again.state == .applied, "\(again.error ?? "")")
            #expect(again.plan?.create == 1, "only the service is left to create: \(String(describing: again.plan))")
            let verified = try await client.api.verifyAuditLog(path: .init(org: "acme")).ok.body.json
            #expect(verified.verified, "\(verified.problems)")

        }
        // Destroying takes an admin.
        try await second.withClient(token: tenants.tokens["admin-user"]) { client in
            let destroyed = try await RunTests.waitForRun(try await RunTests.queue(.destroy, "shop.dev", on: client).id, to: [.applied, .errored], on: client)
            #expect(destroyed.state == .applied, "\(destroyed.error ?? "")")
        }
    }
}
