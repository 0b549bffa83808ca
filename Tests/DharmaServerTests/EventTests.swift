import AsyncHTTPClient
import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import NIOCore
import NIOSSL
import Testing

/// `/v1/orgs/ORG/events`: run transitions and audit entries as Server-Sent Events, filtered
/// by stack and kind, for members of the organisation only.
@Suite("Server: events", .serialized)
struct EventTests {
    /// Reads `event:`/`data:` frames from an open stream until `enough` says so.
    struct Frame: Sendable {
        var name: String
        var data: String
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]) ?? [:] }
        var payload: [String: Any] { object["payload"] as? [String: Any] ?? [:] }
    }

    static func collect(
        _ url: String, ca: String, token: String, timeout: Double, until enough: @escaping @Sendable ([Frame]) -> Bool
    ) async throws -> [Frame] {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        var events: [Frame] = []
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await client.execute(request, timeout: .seconds(Int64(timeout)))
            guard response.status == .ok else { throw ServerTestError("events answered \(response.status)") }
            var pending = ""
            var name = ""
            reading: for try await buffer in response.body {
                pending += String(buffer: buffer)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<newline])
                    pending.removeSubrange(...newline)
                    if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") {
                        events.append(Frame(name: name, data: String(line.dropFirst(6))))
                        if enough(events) { break reading }
                    }
                }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return events
    }

    @Test("a member following a stack sees its run pass through each state in order, and audit entries of the organisation")
    func runTransitions() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let viewer = try #require(tenants.tokens["viewer-user"])
        let run = try await server.withClient(token: tenants.tokens["operator-user"]) { try await RunTests.queue(.planOnly, "shop.dev", on: $0) }
        // `after=0` replays what the server keeps, so the run is seen whole however early it
        // started, and the stream goes on live until it ends.
        let events = try await Self.collect(
            server.url + "/v1/orgs/acme/events?stack=shop.dev&type=run.transition&after=0", ca: server.ca, token: viewer, timeout: 60
        ) { events in events.contains { $0.payload["state"] as? String == "planned_and_finished" } }
        let states = events.compactMap { $0.payload["run"] as? String == run.id ? $0.payload["state"] as? String : nil }
        #expect(states == ["planning", "planned", "policy_checked", "cost_estimated", "planned_and_finished"], "\(states)")
        #expect(events.allSatisfy { $0.name == "run.transition" && $0.object["stack"] as? String == "shop.dev" })

        // Resuming after sequence 0 replays what is kept: here, the organisation's audit entries too.
        let audit = try await Self.collect(server.url + "/v1/orgs/acme/events?type=audit.entry&after=0", ca: server.ca, token: viewer, timeout: 30) {
            events in events.contains { $0.payload["action"] as? String == "member-set" }
        }
        #expect(audit.allSatisfy { $0.name == "audit.entry" })

        let outsider = try await RawHTTP.send(.GET, server.url + "/v1/orgs/acme/events", ca: server.ca, token: tenants.tokens["outsider"])
        #expect(outsider.status == 404)
    }
}
