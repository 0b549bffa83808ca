import DharmaTestKit
import Foundation
import Testing

/// The server's TLS from the client's side: the hybrid post-quantum group is what a capable
/// client negotiates, X25519 what an older one falls back to, and `--pq-only` refuses it.
@Suite("Server: TLS", .serialized)
struct TLSTests {
    static let client = TestPaths.repository + "/Tests/DharmaServerTests/Fixtures/tls_client.py"

    /// pyOpenSSL's view of a handshake: `version=TLSv1.3 group=X25519MLKEM768`.
    static func pyOpenSSL(_ server: ServerProcess) async throws -> (status: Int32, output: String) {
        let port = String(server.url.split(separator: ":").last ?? "")
        return try await run("/usr/bin/env", ["python3", client, "127.0.0.1", port, server.ca])
    }

    /// Debian's openssl 3.0, which has no ML-KEM: a classical-only client.
    static func classical(_ server: ServerProcess, _ extra: [String] = []) async throws -> (status: Int32, output: String) {
        let port = String(server.url.split(separator: ":").last ?? "")
        return try await run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", server.ca] + extra)
    }

    @Test("a client that speaks ML-KEM negotiates X25519MLKEM768 over TLS 1.3; a classical one falls back to X25519; TLS 1.2 is refused unless asked for")
    func hybridPreferred() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let hybrid = try await Self.pyOpenSSL(server)
        #expect(hybrid.status == 0 && hybrid.output.contains("version=TLSv1.3 group=X25519MLKEM768"), "\(hybrid.output)")
        let fallback = try await Self.classical(server)
        #expect(fallback.output.contains("New, TLSv1.3") && fallback.output.contains("Server Temp Key: X25519,"), "\(fallback.output)")
        let old = try await Self.classical(server, ["-tls1_2"])
        #expect(old.output.contains("alert protocol version") && old.output.contains("New, (NONE)"), "\(old.output)")
        server.kill()

        let lenient = try await ServerProcess(data: server.data, arguments: ["--tls12"])
        defer { lenient.kill() }
        let accepted = try await Self.classical(lenient, ["-tls1_2"])
        #expect(accepted.output.contains("New, TLSv1.2"), "\(accepted.output)")
    }

    @Test("--pq-only refuses a classical-only client and still serves a hybrid one")
    func postQuantumOnly() async throws {
        let server = try await ServerProcess(arguments: ["--pq-only"])
        defer { server.kill() }
        let classical = try await Self.classical(server)
        #expect(classical.output.contains("New, (NONE)") && classical.output.contains("handshake failure"), "\(classical.output)")
        let hybrid = try await Self.pyOpenSSL(server)
        #expect(hybrid.status == 0 && hybrid.output.contains("group=X25519MLKEM768"), "\(hybrid.output)")
    }

    /// curl's GET of /healthz with a client certificate (or none): the status, or curl's error.
    static func curl(_ server: ServerProcess, certificate: String?) async throws -> (status: Int32, output: String) {
        let identity = certificate.map { ["--cert", $0 + ".pem", "--key", $0 + ".key"] } ?? []
        return try await run("/usr/bin/curl", ["-sS", "--cacert", server.ca, "-o", "/dev/null", "-w", "%{http_code}"] + identity + [server.url + "/healthz"])
    }

    @Test("mTLS: a client certificate from the server's internal CA is accepted, one from another CA refused in the handshake; required refuses none")
    func clientCertificates() async throws {
        let data = Scratch.directory("dharma-server-mtls")
        let server = try await ServerProcess(data: data, arguments: ["--client-certificates", "optional"])
        defer { server.kill() }
        let machines = Scratch.directory("machines")
        _ = try await runDharma(["server", "client-cert", "--data", data, "--name", "agent-1", "--out", machines])
        // The same name from a CA this server never trusted.
        _ = try await runDharma(["server", "client-cert", "--data", Scratch.directory("other-server"), "--name", "agent-1", "--out", machines + "/other"])
        #expect((try FileManager.default.attributesOfItem(atPath: machines + "/agent-1.key")[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let trusted = try await Self.curl(server, certificate: machines + "/agent-1")
        #expect(trusted.status == 0 && trusted.output == "200", "\(trusted.output)")
        let stranger = try await Self.curl(server, certificate: machines + "/other/agent-1")
        #expect(stranger.status != 0 && stranger.output.contains("alert"), "a certificate from another CA is refused: \(stranger.output)")
        let none = try await Self.curl(server, certificate: nil)
        #expect(none.status == 0 && none.output == "200", "optional: a client without a certificate still connects: \(none.output)")
        server.kill()

        let strict = try await ServerProcess(data: data, arguments: ["--client-certificates", "required"])
        defer { strict.kill() }
        let refused = try await Self.curl(strict, certificate: nil)
        #expect(refused.status != 0, "required: no certificate, no connection: \(refused.output)")
        let accepted = try await Self.curl(strict, certificate: machines + "/agent-1")
        #expect(accepted.status == 0 && accepted.output == "200", "\(accepted.output)")
    }

    /// Runs a program to its end, output and errors together, without holding one of Swift
    /// concurrency's few threads meanwhile (schemathesis runs for minutes; on two cores two
    /// blocked threads stall every other test in the process). Standard input is empty.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let outputPath = Scratch.path("program-output", suffix: ".log")
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = FileHandle(forWritingAtPath: outputPath)
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try await process.startAndWait()
        try? output?.close()
        return (process.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}
