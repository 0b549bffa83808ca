import DharmaAPI
import DharmaClient
import DharmaService
import DharmaTestKit
import Foundation
import Synchronization
import Testing

/// The live streams over WebSocket: a run's log (`/v1/orgs/ORG/runs/RUN/log`) and events
/// (`/v1/events`), with the REST API's authentication and tenant rules.
@Suite("Server: WebSocket streams", .serialized)
struct LiveSocketTests {
    /// The messages of `path` until `enough` says so; fails after `timeout` seconds saying
    /// what it waited for.
    static func collect(
        _ path: String, on client: RemoteClient, waitingFor what: String, timeout: Double,
        explain: @escaping @Sendable () async throws(ServiceError) -> Void = {},
        until enough: @escaping @Sendable ([LiveMessage]) -> Bool
    ) async throws -> [LiveMessage] {
        try await within(timeout, "WebSocket messages showing \(what)") {
            var messages: [LiveMessage] = []
            for try await message in client.live(path, explain: explain) {
                messages.append(message)
                if enough(messages) { return messages }
            }
            return messages
        }
    }

    /// Where `within` leaves the body's outcome.
    final class Outcome<T: Sendable>: Sendable {
        let result = Mutex<Result<T, any Error>?>(nil)
    }

    /// `body`'s result, or a failure saying what did not happen within `seconds`. The body runs
    /// unstructured, so a stream that ignores cancellation cannot hold the test up.
    static func within<T: Sendable>(_ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        let task = Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.result.withLock { $0 = result }
        }
        defer { task.cancel() }
        try await waitFor(what, timeout: seconds) { outcome.result.withLock { $0 != nil } }
        guard let result = outcome.result.withLock({ $0 }) else { throw ServerTestError("no result for \(what)") }
        return try result.get()
    }

    /// How many times `runLog` follows its finished run.
    static let followRounds = 100

    static func object(_ message: LiveMessage) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: message.data) as? [String: Any]) ?? [:]
    }

    @Test("a viewer follows an apply run's log over a WebSocket: every line the REST log has, in order, then the final state")
    func runLog() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let run = try await server.withClient(token: tenants.tokens["operator-user"]) { try await RunTests.queue(.apply, "shop.dev", on: $0) }
        try await server.withClient(token: tenants.tokens["viewer-user"]) { viewer in
            let messages = try await Self.collect(
                "/v1/orgs/acme/runs/\(run.id)/log", on: viewer, waitingFor: "run \(run.id) applied", timeout: 90
            ) { messages in messages.contains { $0.name == "state" && Self.object($0)["state"] as? String == "applied" } }
            let lines = messages.filter { $0.name == "line" }
            let rest = try await viewer.api.getRunLog(path: .init(org: "acme", run: run.id)).ok.body.json
            #expect(lines.compactMap { Self.object($0)["text"] as? String } == rest.lines.map(\.text))
            #expect(lines.compactMap(\.id) == Array(0..<lines.count), "each line carries its index, so a client resumes with `after`")
            #expect(lines.contains { (Self.object($0)["text"] as? String)?.contains("greeting: created") == true })

            // The CLI's follower reads the same socket: it ends at the final state, every time.
            // The server sends a finished run's whole log at once, right after the upgrade; a
            // close that overtook it left about one follow in a few hundred with nothing.
            var incomplete: [String] = []
            for round in 1...Self.followRounds {
                let (states, lines) = try await Self.within(60, "the CLI's follower to reach the end of run \(run.id), follow \(round)") {
                    var states: [Components.Schemas.RunState] = []
                    var lines = 0
                    for try await event in RemoteStackService(client: viewer).follow(run.id, in: "acme") {
                        switch event {
                        case .state(let state): states.append(state.state)
                        case .line: lines += 1
                        }
                    }
                    return (states, lines)
                }
                if states != [.applied] || lines != rest.lines.count { incomplete.append("follow \(round): \(lines) lines, states \(states)") }
            }
            #expect(incomplete.isEmpty, "\(incomplete)")
        }
    }

    @Test("no upgrade without a token (401) or for an outsider (404, as REST says); /v1/events filters by project across the caller's organisations")
    func refusalsAndEvents() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let run = try await server.withClient(token: tenants.tokens["operator-user"]) { try await RunTests.queue(.planOnly, "shop.dev", on: $0) }

        try await server.withClient(token: tenants.tokens["outsider"]) { outsider in
            let refused = await #expect(throws: ServiceError.self) {
                _ = try await Self.collect(
                    "/v1/orgs/acme/runs/\(run.id)/log", on: outsider, waitingFor: "a refusal", timeout: 30,
                    explain: { () throws(ServiceError) in _ = try await RemoteStackService(client: outsider).run(run.id, in: "acme") }
                ) { _ in true }
            }
            #expect(refused.map { if case .notFound = $0 { true } else { false } } == true, "\(String(reflecting: refused))")
        }
        try await server.withClient(token: "dharma_not-a-token") { stranger in
            let refused = await #expect(throws: ServiceError.self) {
                _ = try await Self.collect(
                    "/v1/events", on: stranger, waitingFor: "a refusal", timeout: 30,
                    explain: { () throws(ServiceError) in _ = try await stranger.organisation() }
                ) { _ in true }
            }
            #expect(refused?.description.contains("unknown") == true, "\(String(describing: refused))")
        }

        try await server.withClient(token: tenants.tokens["viewer-user"]) { viewer in
            let events = try await Self.collect(
                "/v1/events?project=web&type=run.transition&after=0", on: viewer, waitingFor: "run \(run.id) planned_and_finished", timeout: 60
            ) { messages in messages.contains { (Self.object($0)["payload"] as? [String: Any])?["state"] as? String == "planned_and_finished" } }
            #expect(events.allSatisfy { $0.name == "run.transition" && Self.object($0)["project"] as? String == "web" })
            let states = events.compactMap { (Self.object($0)["payload"] as? [String: Any])?["state"] as? String }
            #expect(states == ["planning", "planned", "policy_checked", "cost_estimated", "planned_and_finished"], "\(states)")
        }
    }
}
