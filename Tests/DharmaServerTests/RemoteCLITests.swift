import AsyncHTTPClient
import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The CLI against a real server: log in, apply the README's example remotely, read its state
/// and outputs, verify the organisation's audit log, destroy it.
@Suite("Server: the CLI with --remote", .serialized)
struct RemoteCLITests {
    @Test(
        "dharma login, then apply --remote runs examples/webapp.yaml on the server; its services answer; state, output and audit verify read it back; destroy --remote stops them"
    )
    func webapp() async throws {
        let server = try await ServerProcess()
        defer {
            server.kill()
            killProcesses(under: server.data)
        }
        try await server.withClient { _ = try await $0.api.createOrganisation(body: .json(.init(name: "acme"))).created }
        let home = Scratch.directory("home")
        let environment = ["HOME": home, "XDG_CONFIG_HOME": "", "DHARMA_SERVER": "", "DHARMA_TOKEN": ""]
        let login = try await runDharma(["login", server.url, "--ca", server.ca], environment: environment, input: server.adminToken + "\n")
        #expect(login.contains("Logged in to \(server.url) as admin (organisation acme)"))
        let config = home + "/.config/dharma/config.yaml"
        #expect((try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let directory = Scratch.directory("remote-webapp")
        let blueprint = try copyWebapp(to: directory)
        let applied = try await runDharmaStatus(["apply", "--remote", blueprint], environment: environment)
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("queued on \(server.url) (acme/webapp.default, blueprint v1)"))
        #expect(applied.stdout.contains("web: created") && applied.stdout.contains("applied: 6 changes"), "\(applied.stdout)")

        let state = try await runDharma(["state", "list", "--remote", "-f", blueprint], environment: environment)
        #expect(state.contains("6 resources") && state.contains("orders") && state.contains("database.postgres"))
        let url = try await runDharma(["output", "url", "--remote", "-f", blueprint], environment: environment).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let answer = try await RawHTTP.plain(url + "/healthz")
        #expect(answer == 200, "the web service the server started answers at \(url)")

        let verify = try await runDharmaStatus(["audit", "verify", "--remote"], environment: environment)
        #expect(verify.status == 0 && verify.stdout.contains("verified"), "\(verify.stdout)")
        let log = try await runDharma(["audit", "log", "--remote"], environment: environment)
        #expect(log.contains("admin  apply  webapp/default"))

        // The other stack commands read the same stack on the server.
        let health = try await runDharma(["health", "--remote", blueprint], environment: environment)
        #expect(health.contains("Health of webapp.default:"), "\(health)")
        let incidents = try await runDharma(["incidents", "--remote", "-f", blueprint], environment: environment)
        #expect(incidents.contains("No incidents recorded."), "\(incidents)")
        let drift = try await runDharmaStatus(["drift", "--remote", blueprint], environment: environment)
        #expect(drift.status == 0 && drift.stdout.contains("No drift on webapp.default"), "\(drift.stdout)\(drift.stderr)")
        let cost = try await runDharma(["cost", "--remote", blueprint], environment: environment)
        #expect(cost.contains("Total:"), "\(cost)")
        // A format that cannot express the stack says which resource, without the server's paths.
        let export = try await runDharmaStatus(
            ["export", "--remote", blueprint, "--format", "kubernetes", "--out", Scratch.directory("export")], environment: environment)
        #expect(export.status == 2 && export.stderr.contains("blueprint-v1.yaml:20:3: resource `orders`"), "\(export.stderr)")
        #expect(!export.stderr.contains(server.data), "\(export.stderr)")

        // The server supervises the stack it applied: a killed replica is an incident whose
        // changes are events, followed here over a WebSocket.
        let resource = try await RawHTTP.send(
            .GET, server.url + "/v1/orgs/acme/stacks/webapp.default/state/resources/web", ca: server.ca, token: server.adminToken)
        let outputs = ((try JSONSerialization.jsonObject(with: Data(resource.body.utf8)) as? [String: Any])?["outputs"] as? [String: Any]) ?? [:]
        let pid = try #require((outputs["pids"] as? [Any])?.first.flatMap { ($0 as? NSNumber)?.int32Value }, "\(resource.body)")
        kill(pid, SIGKILL)
        let incidentEvents = try await server.withClient { admin in
            try await LiveSocketTests.collect(
                "/v1/orgs/acme/events?type=incident.changed&after=0", on: admin, waitingFor: "an incident about web", timeout: 90
            ) { messages in messages.contains { (LiveSocketTests.object($0)["payload"] as? [String: Any])?["resource"] as? String == "web" } }
        }
        #expect(incidentEvents.allSatisfy { LiveSocketTests.object($0)["stack"] as? String == "webapp.default" })
        let listed = try await runDharma(["incidents", "--remote", "-f", blueprint], environment: environment)
        #expect(listed.contains("web"), "\(listed)")

        // Applying the same file again changes nothing, and says so.
        let again = try await runDharmaStatus(["apply", "--remote", blueprint], environment: environment)
        #expect(again.status == 0 && again.stdout.contains("no changes: nothing to apply"), "\(again.stdout)")

        let destroyed = try await runDharmaStatus(["destroy", "--remote", blueprint], environment: environment)
        #expect(destroyed.status == 0, "\(destroyed.stdout)\n\(destroyed.stderr)")
        #expect(try await RawHTTP.plain(url + "/healthz") == nil, "nothing answers at \(url) after destroy")

        // Without a login, or with a bad token, commands say what to do.
        let unconfigured = try await runDharmaStatus(
            ["state", "list", "--remote", "--stack", "webapp"], environment: ["HOME": Scratch.directory("empty-home")])
        #expect(unconfigured.status == 2 && unconfigured.stderr.contains("run `dharma login URL`"), "\(unconfigured.stderr)")
        let badToken = try await runDharmaStatus(
            ["state", "list", "--remote", "--stack", "webapp"],
            environment: ["DHARMA_SERVER": server.url, "DHARMA_TOKEN": "dharma_" + String(repeating: "x", count: 43), "DHARMA_CA": server.ca])
        #expect(badToken.status == 1 && badToken.stderr.contains("the token is unknown, revoked or expired"), "\(badToken.stderr)")
    }

    /// examples/webapp.yaml with its database on a free port, so tests may run side by side.
    func copyWebapp(to directory: String) throws -> String {
        let text = try String(contentsOfFile: TestPaths.repository + "/examples/webapp.yaml", encoding: .utf8)
        let port = try freePort()
        let path = directory + "/webapp.yaml"
        try text.replacingOccurrences(of: "port: 55432", with: "port: \(port)").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// A port no one listens on now, from the kernel.
func freePort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
    }
    guard bound else { throw ServerTestError("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

extension RawHTTP {
    /// The status of a plain-HTTP GET, or nil when nothing answers.
    /// A plain-HTTP POST of text: status, body and content type.
    static func post(_ url: String, body: String) async throws -> (status: Int, body: String, contentType: String?) {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await client.execute(request, timeout: .seconds(10))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            try await client.shutdown()
            return (Int(response.status.code), text, response.headers.first(name: "Content-Type"))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func plain(_ url: String) async throws -> Int? {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var status: Int?
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1 << 20)
            status = Int(response.status.code)
        } catch {
            status = nil
        }
        try await client.shutdown()
        return status
    }
}
