import Foundation

/// The proxy's live view of its backends — configuration, health, requests in flight —
/// shared by the connection threads, the health checker and the admin endpoint.
final class BackendPool: @unchecked Sendable {
    private struct Live {
        var healthy = true
        var inFlight = 0
        var requests = 0
        var failures = 0
    }

    private let lock = NSLock()
    private var config: ProxyConfig
    private var live: [Int: Live] = [:]
    private var next = 0
    private var requests = 0
    private var failures = 0
    private var statusCounts: [Int: Int] = [:]
    private var latency: LatencyHistogram
    private var chaosLatency = 0

    /// Milliseconds a chaos experiment adds to every request.
    var injectedLatency: Int {
        get { lock.withLock { chaosLatency } }
        set { lock.withLock { chaosLatency = max(0, newValue) } }
    }

    init(_ config: ProxyConfig) {
        self.config = config
        latency = LatencyHistogram(objective: config.latencyObjective)
    }

    var current: ProxyConfig { lock.withLock { config } }

    func replace(_ new: ProxyConfig) {
        lock.withLock {
            if new.latencyObjective != config.latencyObjective {
                // Other buckets count differently from now on: like a restarted process, the
                // histogram starts again from zero, which readers of counters take as a reset.
                latency = LatencyHistogram(objective: new.latencyObjective)
            }
            config = new
            let ports = Set(new.backends.map(\.port))
            // Keep what is known about backends that stay, and about removed ones with
            // requests still in flight until they finish.
            live = live.filter { ports.contains($0.key) || $0.value.inFlight > 0 }
        }
    }

    /// The next backend for a request, round robin: healthy primaries; when there are none,
    /// healthy backups; when nothing is known healthy, any that is not draining (a health
    /// check may be stale). Never a draining backend, never one in `excluded`.
    func choose(excluding excluded: Set<Int>) -> ProxyConfig.Backend? {
        lock.withLock {
            let open = config.backends.filter { !$0.draining && !excluded.contains($0.port) }
            let healthy = open.filter { live[$0.port]?.healthy ?? true }
            let tiers = [healthy.filter { !$0.backup }, healthy.filter(\.backup), open.filter { !$0.backup }, open.filter(\.backup)]
            guard let tier = tiers.first(where: { !$0.isEmpty }) else { return nil }
            next &+= 1
            return tier[next % tier.count]
        }
    }

    func setHealth(port: Int, healthy: Bool) {
        lock.withLock { live[port, default: Live()].healthy = healthy }
    }

    func begin(port: Int) {
        lock.withLock { live[port, default: Live()].inFlight += 1 }
    }

    func end(port: Int, failed: Bool) {
        lock.withLock {
            live[port, default: Live()].inFlight -= 1
            live[port, default: Live()].requests += 1
            if failed { live[port, default: Live()].failures += 1 }
        }
    }

    /// One client request answered with `status` after `seconds`.
    func record(status: Int, seconds: Double) {
        lock.withLock {
            requests += 1
            if status >= 500 { failures += 1 }
            statusCounts[status, default: 0] += 1
            latency.observe(seconds)
        }
    }

    func status() -> ProxyStatus {
        lock.withLock {
            ProxyStatus(
                generation: config.generation,
                backends: config.backends.map { backend in
                    let state = live[backend.port] ?? Live()
                    return ProxyStatus.Backend(
                        port: backend.port, replica: backend.replica, backup: backend.backup, draining: backend.draining,
                        healthy: state.healthy, inFlight: state.inFlight, requests: state.requests, failures: state.failures)
                }, requests: requests, failures: failures)
        }
    }

    /// Prometheus text exposition of the proxy's own figures.
    func metrics() -> String {
        lock.withLock {
            var out = "# HELP dharma_proxy_requests_total Client requests answered, by status code.\n# TYPE dharma_proxy_requests_total counter\n"
            for (code, count) in statusCounts.sorted(by: { $0.key < $1.key }) {
                out += "dharma_proxy_requests_total{code=\"\(code)\"} \(count)\n"
            }
            out += "# HELP dharma_proxy_backend_up Whether the last health check of a backend passed.\n# TYPE dharma_proxy_backend_up gauge\n"
            for backend in config.backends {
                out +=
                    "dharma_proxy_backend_up{port=\"\(backend.port)\",replica=\"\(backend.replica.map(String.init) ?? "")\"} \((live[backend.port]?.healthy ?? true) ? 1 : 0)\n"
            }
            out += "# HELP dharma_proxy_in_flight Requests in flight per backend.\n# TYPE dharma_proxy_in_flight gauge\n"
            for backend in config.backends {
                out += "dharma_proxy_in_flight{port=\"\(backend.port)\"} \(live[backend.port]?.inFlight ?? 0)\n"
            }
            out += latency.exposition(name: "dharma_proxy_request_duration_seconds", help: "Client request latency through the proxy.")
            return out
        }
    }
}
