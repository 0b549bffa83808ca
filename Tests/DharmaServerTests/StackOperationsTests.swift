import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

/// Variables, locks, rollback, drift, cost, compliance, export, scans and the audit log's
/// proofs, through the API.
@Suite("Server: stack operations", .serialized)
struct StackOperationsTests {
    static func blueprint(content: String = "${var.greeting} from ${var.token_hint}") -> String {
        """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: shop, environment: dev}
        target: {provider: local, region: local-1}
        variables:
          greeting: {type: string, default: "hello"}
          token_hint: {type: string, default: "nobody"}
        resources:
          greeting:
            type: storage.file
            properties: {path: data/greeting.txt, content: "\(content)", mode: "0644"}
        """
    }

    static func greeting(_ server: ServerProcess) throws -> String {
        try String(contentsOfFile: server.data + "/orgs/acme/stacks/shop.dev/data/greeting.txt", encoding: .utf8)
    }

    @Test("variables reach runs; a sensitive one is sealed in the control database, masked in run logs and state reads, and never returned")
    func variables() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: Self.blueprint())
        let secret = "s3cr3t-" + UUID().uuidString
        try await server.withClient(token: tenants.tokens["admin-user"]) { client in
            let api = client.api
            _ = try await api.setVariable(path: .init(org: "acme", stack: "shop.dev", name: "greeting"), body: .json(.init(value: "bonjour"))).ok
            let sealed = try await api.setVariable(
                path: .init(org: "acme", stack: "shop.dev", name: "token_hint"), body: .json(.init(value: secret, sensitive: true))
            ).ok.body.json
            #expect(sealed.sensitive && sealed.value == nil)
            let listed = try await api.listVariables(path: .init(org: "acme", stack: "shop.dev")).ok.body.json.items
            #expect(listed.map(\.name) == ["greeting", "token_hint"])
            #expect(listed.first { $0.name == "greeting" }?.value == "bonjour" && listed.first { $0.name == "token_hint" }?.value == nil)
            let refused = try await api.setVariable(path: .init(org: "acme", stack: "shop.dev", name: "9bad"), body: .json(.init(value: "x")))
            #expect(AuthorisationTests.status(refused) == 400)

            let run = try await RunTests.waitForRun(try await RunTests.queue(.apply, "shop.dev", on: client).id, to: [.applied, .errored], on: client)
            #expect(run.state == .applied, "\(run.error ?? "")")
            #expect(try Self.greeting(server) == "bonjour from \(secret)")
            let log = try await api.getRunLog(path: .init(org: "acme", run: run.id)).ok.body.json.lines.map(\.text).joined(separator: "\n")
            #expect(!log.contains(secret) && log.contains("bonjour from (sensitive)"), "the run's log shows the sensitive variable:\n\(log)")
            let resources = try await api.listStateResources(path: .init(org: "acme", stack: "shop.dev")).ok.body.json.items
            #expect(resources.first?.inputs.additionalProperties.value["content"] as? String == "bonjour from (sensitive)")
        }
        // The variable itself is sealed at rest. (Interpolated into a property the catalog does
        // not call sensitive, its value is in that property's state as the file holds it.)
        for database in ["/control.db"] {
            for file in [database, database + "-wal"] where FileManager.default.fileExists(atPath: server.data + file) {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: server.data + file))
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the sensitive variable in clear")
            }
        }
        let viewer = try await server.withClient(token: tenants.tokens["viewer-user"]) {
            try await $0.api.setVariable(path: .init(org: "acme", stack: "shop.dev", name: "greeting"), body: .json(.init(value: "x")))
        }
        #expect(AuthorisationTests.status(viewer) == 403)
    }

    @Test("a locked stack takes no runs until its locker or an admin unlocks it; rollback re-applies the blueprint of an earlier state version")
    func locksAndRollback() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: Self.blueprint(content: "first"))
        try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            let api = client.api
            let first = try await RunTests.waitForRun(try await RunTests.queue(.apply, "shop.dev", on: client).id, to: [.applied, .errored], on: client)
            #expect(first.state == .applied && first.stateVersion == 1)
            _ = try await api.uploadBlueprint(path: .init(org: "acme", stack: "shop.dev"), body: .yaml(.init(Self.blueprint(content: "second")))).created
            _ = try await RunTests.waitForRun(try await RunTests.queue(.apply, "shop.dev", on: client).id, to: [.applied], on: client)
            #expect(try Self.greeting(server) == "second")

            let locked = try await api.lockStack(path: .init(org: "acme", stack: "shop.dev"), body: .json(.init(reason: "change freeze"))).ok.body.json
            #expect(locked.lockedBy == "operator-user" && locked.lockReason == "change freeze")
            let refused = try await api.createRun(path: .init(org: "acme", stack: "shop.dev"), body: .json(.init()))
            #expect(AuthorisationTests.status(refused) == 409)
        }
        let otherUnlock = try await server.withClient(token: tenants.tokens["approver-user"]) {
            try await $0.api.unlockStack(path: .init(org: "acme", stack: "shop.dev"))
        }
        #expect(AuthorisationTests.status(otherUnlock) == 403)
        try await server.withClient(token: tenants.tokens["admin-user"]) { client in
            let unlocked = try await client.api.unlockStack(path: .init(org: "acme", stack: "shop.dev")).ok.body.json
            #expect(unlocked.lockedBy == nil)
            let versions = try await client.api.listStateVersions(path: .init(org: "acme", stack: "shop.dev")).ok.body.json.items
            let oldest = try #require(versions.map(\.version).min())
            let rollback = try await client.api.rollbackState(path: .init(org: "acme", stack: "shop.dev", version: oldest)).created.body.json
            #expect(rollback.blueprintVersion == 1 && rollback.message?.contains("roll back to state version \(oldest)") == true)
            let done = try await RunTests.waitForRun(rollback.id, to: [.applied, .errored], on: client)
            #expect(done.state == .applied, "\(done.error ?? "")")
            #expect(try Self.greeting(server) == "first")
            let missing = try await client.api.rollbackState(path: .init(org: "acme", stack: "shop.dev", version: 999))
            #expect(AuthorisationTests.status(missing) == 404)
        }
    }

    @Test("drift, cost, health, compliance, export and scans answer what the CLI prints")
    func reports() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: Self.blueprint())
        try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            let api = client.api
            _ = try await RunTests.waitForRun(try await RunTests.queue(.apply, "shop.dev", on: client).id, to: [.applied], on: client)
            let clean = try await api.checkDrift(path: .init(org: "acme", stack: "shop.dev")).ok.body.json.additionalProperties.value
            #expect(clean["drifted"] as? Bool == false)
            try "edited by hand".write(toFile: server.data + "/orgs/acme/stacks/shop.dev/data/greeting.txt", atomically: true, encoding: .utf8)
            let drift = try await api.checkDrift(path: .init(org: "acme", stack: "shop.dev")).ok.body.json.additionalProperties.value
            #expect(drift["drifted"] as? Bool == true, "\(drift)")

            let cost = try await api.getStackCost(path: .init(org: "acme", stack: "shop.dev")).ok.body.json.additionalProperties.value
            #expect(cost["resources"] != nil, "\(cost)")
            let health = try await api.getStackHealth(path: .init(org: "acme", stack: "shop.dev")).ok.body.json.additionalProperties.value
            #expect((health["score"] as? Int).map { (0...100).contains($0) } == true, "\(health)")
            let incidents = try await api.listIncidents(path: .init(org: "acme", stack: "shop.dev")).ok.body.json.additionalProperties.value
            #expect((incidents["incidents"] as? [Any])?.isEmpty == true)
            let compliance = try await api.getCompliance(path: .init(org: "acme", stack: "shop.dev"), query: .init(framework: "cis")).ok.body.json
            #expect((compliance.additionalProperties.value["reports"] as? [Any])?.count == 1)
            let unknown = try await api.getCompliance(path: .init(org: "acme", stack: "shop.dev"), query: .init(framework: "nonsense"))
            #expect(AuthorisationTests.status(unknown) == 400)

            // The archive is one `tar` reads.
            let exported = try await api.exportStack(path: .init(org: "acme", stack: "shop.dev"), query: .init(format: .kubernetes)).ok.body
            guard case .applicationXTar(let body) = exported else { throw ServerTestError("not a tar archive") }
            let archive = Scratch.path("export", suffix: ".tar")
            try await Data(collecting: body, upTo: 16 << 20).write(to: URL(fileURLWithPath: archive))
            let listing = try await TLSTests.run("/usr/bin/tar", ["-tvf", archive])
            #expect(listing.status == 0 && listing.output.contains(".yaml"), "\(listing.output)")

            let terraform = """
                resource "aws_security_group" "open" {
                  ingress {
                    from_port   = 22
                    to_port     = 22
                    protocol    = "tcp"
                    cidr_blocks = ["0.0.0.0/0"]
                  }
                }
                """
            let scan = try await api.scanCode(path: .init(org: "acme"), query: .init(filename: "main.tf"), body: .plainText(.init(terraform))).ok.body.json
            let findings = scan.additionalProperties.value["findings"] as? [[String: Any]] ?? []
            #expect(
                findings.contains { ($0["resource"] as? String ?? "").contains("aws_security_group.open") && $0["verdict"] as? String == "fail" }, "\(scan)")
            let badName = try await api.scanCode(path: .init(org: "acme"), query: .init(filename: "../etc/passwd"), body: .plainText(.init("x")))
            #expect(AuthorisationTests.status(badName) == 400)
        }
    }

    @Test("the organisation's checkpoint, an inclusion proof and an evidence bundle that `dharma audit verify --bundle` accepts")
    func auditProofs() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: Self.blueprint())
        try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            let api = client.api
            _ = try await RunTests.waitForRun(try await RunTests.queue(.apply, "shop.dev", on: client).id, to: [.applied], on: client)
            let checkpoint = try await api.getAuditCheckpoint(path: .init(org: "acme")).ok.body.json
            #expect(checkpoint.size >= 1 && checkpoint.note.contains("\n\n— ") && checkpoint.keys.count == 2, "\(checkpoint.note)")
            let proof = try await api.getInclusionProof(path: .init(org: "acme", seq: 0)).ok.body.json.additionalProperties.value
            #expect(proof["verified"] as? Bool == true)
            let beyond = try await api.getInclusionProof(path: .init(org: "acme", seq: 1_000_000))
            #expect(AuthorisationTests.status(beyond) == 404)
            let bundle = try await api.getEvidenceBundle(path: .init(org: "acme")).ok.body.json
            let path = Scratch.path("bundle", suffix: ".json")
            try JSONEncoder().encode(bundle).write(to: URL(fileURLWithPath: path))
            let verified = try await runDharmaStatus(["audit", "verify", "--bundle", path])
            #expect(verified.status == 0 && verified.stdout.contains("verified"), "\(verified.stdout)\(verified.stderr)")
        }
    }
}
