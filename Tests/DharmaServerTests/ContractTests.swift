import DharmaTestKit
import Foundation
import Testing

/// schemathesis against the live server, over every operation of the spec with an admin's
/// token: no 5xx, every response as the spec says, schema-violating requests refused and
/// valid ones accepted, 405 for undeclared methods, and its stateful phase following the
/// spec's links. Examples per operation are capped (and the seed fixed) to keep CI in budget.
/// Three operations are left out: revoking tokens (the fuzzer would revoke its own), removing
/// members (the fuzzer removes its own user from an organisation it made, which then answers
/// 404, as it should), and following events (a stream that does not end); `ServerAPITests`,
/// `AuthorisationTests` and `EventTests` cover them.
@Suite("Server: contract", .serialized)
struct ContractTests {
    @Test("schemathesis finds no failure in any operation of the spec")
    func schemathesis() async throws {
        let server = try await ServerProcess(arguments: ["--rate-limit", "1000000"])
        defer {
            server.kill()
            killProcesses(under: server.data)
        }
        _ = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let configuration = TestPaths.repository + "/Tests/DharmaServerTests/Fixtures/schemathesis.toml"
        let report = Scratch.path("schemathesis-report")
        let (status, output) = try await TLSTests.run(
            "/usr/bin/env",
            [
                "schemathesis", "--config-file", configuration, "run", server.url + "/openapi.json", "--tls-verify", server.ca,
                "-H", "Authorization: Bearer \(server.adminToken)", "--checks", "all", "--max-examples", "25", "--seed", "20261206",
                "--generation-with-security-parameters", "false", "--exclude-operation-id", "revokeToken", "--exclude-operation-id", "removeMember",
                "--exclude-operation-id", "followEvents", "--exclude-operation-id", "followAllEvents",
                "--max-failures", "50",
                "--report-dir", report,
            ])
        let summary = output.components(separatedBy: "FAILURES").last ?? output
        #expect(status == 0, "schemathesis exited \(status):\n\(summary.suffix(6000))")
        #expect(output.contains("Tested: "), "\(output.suffix(2000))")
        #expect(!server.log.contains("request failed"), "\(server.log.suffix(2000))")
    }
}
