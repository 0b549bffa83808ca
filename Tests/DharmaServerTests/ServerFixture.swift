import AsyncHTTPClient
import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

/// A real `dharma server` process on a free port, with its data in a scratch directory.
final class ServerProcess: @unchecked Sendable {
    let data: String
    let process: Process
    let output: String
    private(set) var url = ""
    private(set) var fingerprint = ""
    var ca: String { data + "/tls/ca/ca.pem" }
    var adminToken: String {
        ((try? String(contentsOfFile: data + "/admin-token", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts the server and waits until it prints the URL it listens on.
    init(data: String? = nil, arguments: [String] = []) async throws {
        self.data = data ?? Scratch.directory("dharma-server")
        output = Scratch.path("server-output", suffix: ".log")
        FileManager.default.createFile(atPath: output, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.dharma)
        process.arguments = ["server", "--listen", "127.0.0.1:0", "--data", self.data] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.start()
        try await waitFor("the server to print the URL it listens on", timeout: 60) { [self] in
            guard let text = try? String(contentsOfFile: output, encoding: .utf8) else { return false }
            if !process.isRunning { throw ServerTestError("dharma server exited (\(process.terminationStatus)):\n\(text)") }
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("dharma server listening on ") }) else { return false }
            url = String(line.dropFirst("dharma server listening on ".count))
            fingerprint =
                text.split(separator: "\n").first { $0.hasPrefix("TLS certificate SHA-256 fingerprint: ") }.map {
                    String($0.dropFirst("TLS certificate SHA-256 fingerprint: ".count))
                } ?? ""
            return true
        }
    }

    var log: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

    /// SIGKILL: what a crash looks like.
    func kill() {
        process.stop()
    }

    /// SIGTERM, as Ctrl-C or a service manager stops it; SIGKILL if it does not stop in time.
    func terminate() async {
        guard process.isRunning else { return }
        process.terminate()
        try? await waitFor("the server to stop after SIGTERM", timeout: 20) { [process] in !process.isRunning }
        process.stop()
    }

    /// A client for `token` (the admin's by default), trusting the server's CA.
    func client(token: String? = nil, organisation: String? = nil) throws -> RemoteClient {
        try RemoteClient(profile: RemoteProfile(server: url, token: token ?? adminToken, organisation: organisation, ca: ca))
    }
}

/// Raw HTTP against the server, for what the generated client does not let a test send.
struct RawHTTP {
    static func send(
        _ method: HTTPMethod, _ url: String, ca: String, token: String? = nil, body: String? = nil, contentType: String = "application/json"
    ) async throws -> (status: Int, headers: [String: String], body: String) {
        let answer = try await sendData(method, url, ca: ca, token: token, body: body, contentType: contentType)
        return (answer.status, answer.headers, String(decoding: answer.body, as: UTF8.self))
    }

    /// The same, with the body as bytes (tiles, archives).
    static func sendData(
        _ method: HTTPMethod, _ url: String, ca: String, token: String? = nil, body: String? = nil, contentType: String = "application/json"
    ) async throws -> (status: Int, headers: [String: String], body: Data) {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            if let body {
                request.headers.add(name: "Content-Type", value: contentType)
                request.body = .bytes(ByteBuffer(string: body))
            }
            let response = try await client.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            var headers: [String: String] = [:]
            for header in response.headers { headers[header.name.lowercased()] = header.value }
            try await client.shutdown()
            return (Int(response.status.code), headers, Data(buffer: bytes))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

struct ServerTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds; the error names what was awaited.
func waitFor(_ what: String, timeout: Double, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    if try await condition() { return }
    throw ServerTestError("timed out after \(Int(timeout)) s waiting for \(what)")
}

/// Kills every process whose working directory lies under `directory`: what a crashed server
/// left running (its children outlive it, as they would on a real machine).
func killProcesses(under directory: String) {
    let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = Int32(entry), pid != getpid() else { continue }
        guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"), cwd == root || cwd.hasPrefix(root + "/") else {
            continue
        }
        Glibc.kill(pid, SIGKILL)
    }
}

extension ServerProcess {
    /// Runs `body` with a client for `token`, closing its connections however it ends.
    func withClient<T>(token: String? = nil, _ body: (RemoteClient) async throws -> T) async throws -> T {
        let client = try client(token: token)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
