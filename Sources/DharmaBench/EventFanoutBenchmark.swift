import DharmaAPI
import DharmaClient
import Foundation
import Synchronization

/// `dharma bench events`: one `dharma server`, `subscribers` WebSocket clients following an
/// organisation's events, and `events` audit entries made one every `interval`. Each
/// subscriber notes when each event arrives; the latency is arrival minus the time the server
/// published it (one machine, one clock).
extension Benchmarks {
    public struct FanoutFigures: Sendable {
        public var subscribers: Int
        public var events: Int
        /// Deliveries seen, of `subscribers × events` expected.
        public var delivered: Int
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var maxMilliseconds: Double
        /// Seconds until every subscriber had its socket open and saw a first event.
        public var connectSeconds: Double
    }

    public static func eventFanout(dharma: String, subscribers: Int, events: Int, interval: Duration) async throws -> FanoutFigures {
        let scratch = NSTemporaryDirectory() + "dharma-bench-events-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let server = try await BenchServer.start(dharma: dharma, data: scratch + "/server", tls: false)
        defer { server.stop() }
        let client = try RemoteClient(profile: RemoteProfile(server: server.url, token: server.token, organisation: "bench", ca: nil))
        defer { Task { await client.shutdown() } }
        let api = client.api
        _ = try await api.createOrganisation(body: .json(.init(name: "bench"))).created
        _ = try await api.createUser(body: .json(.init(name: "bench-user"))).created

        let log = ArrivalLog()
        let started = ContinuousClock.now
        let tasks = (0..<subscribers).map { index in
            Task {
                let stream = client.live("/v1/orgs/bench/events?type=audit.entry", explain: {})
                for try await message in stream {
                    let now = Date().timeIntervalSince1970
                    guard let object = try? JSONSerialization.jsonObject(with: message.data) as? [String: Any], let time = object["time"] as? Double,
                        let sequence = message.id
                    else { continue }
                    log.ready.withLock { _ = $0.insert(index) }
                    log.arrivals.withLock { $0[sequence, default: []].append(now - time) }
                }
            }
        }
        defer { for task in tasks { task.cancel() } }

        // Warm-up events until every subscriber has seen one: then all sockets are open.
        var role: Components.Schemas.Role = "viewer"
        func event() async throws {
            role = role == "viewer" ? "operator" : "viewer"
            _ = try await api.setMember(path: .init(org: "bench", user: "bench-user"), body: .json(.init(role: role))).ok
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while log.ready.withLock({ $0.count }) < subscribers {
            guard ContinuousClock.now < deadline else {
                throw BenchmarkError("only \(log.ready.withLock { $0.count }) of \(subscribers) subscribers received events within 120 s")
            }
            try await event()
            try await Task.sleep(for: .milliseconds(500))
        }
        let connectSeconds = Double((ContinuousClock.now - started).components.seconds)
        try await Task.sleep(for: .seconds(1))
        let warmUp = Set(log.arrivals.withLock { $0.keys })

        for _ in 0..<events {
            try await event()
            try await Task.sleep(for: interval)
        }
        // Let the last deliveries land.
        let expected = subscribers * events
        let settle = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < settle {
            let delivered = log.arrivals.withLock { $0.filter { !warmUp.contains($0.key) }.values.reduce(0) { $0 + $1.count } }
            if delivered >= expected { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let latencies = log.arrivals.withLock { $0.filter { !warmUp.contains($0.key) }.values.flatMap { $0 } }.map { $0 * 1000 }.sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)]
        }
        return FanoutFigures(
            subscribers: subscribers, events: events, delivered: latencies.count, p50Milliseconds: percentile(0.5), p99Milliseconds: percentile(0.99),
            maxMilliseconds: latencies.last ?? .nan, connectSeconds: connectSeconds)
    }
}

/// What the subscribers saw: arrival latencies per event sequence, and who has seen anything.
private final class ArrivalLog: Sendable {
    let arrivals = Mutex<[Int: [Double]]>([:])
    let ready = Mutex<Set<Int>>([])
}
