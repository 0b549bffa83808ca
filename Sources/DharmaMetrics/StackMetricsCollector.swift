import DharmaCore
import DharmaInsight
import DharmaStore
import Foundation

/// The metrics collection that runs beside a stack's supervisor: every interval, the stack's
/// replicas (read again from its state, since a restarted replica gets a new port) are scraped
/// into the metrics store. A replica that stops answering is reported once, and again when it
/// answers; collection never stops the supervisor.
public struct StackMetricsCollector: Sendable {
    /// What the collector has to say, for the caller to show.
    public enum Event: Sendable, Equatable {
        /// The first round that found replicas to scrape.
        case collecting(replicas: Int, proxies: Int, interval: Double)
        /// A replica stopped answering (said once until it answers again).
        case notAnswering(replica: String, url: String, reason: String)
        case answersAgain(replica: String)
        /// A round could not be made or stored (said once until it changes).
        case problem(String)
    }

    public var stack: StackID
    public var state: any Store
    public var metrics: MetricsRepository
    public var interval: Double
    /// Figures of Dharma's own recorded with every round (the health score).
    public var gauges: @Sendable () async -> [(SeriesKey, Double)]

    public init(
        stack: StackID, state: any Store, metrics: MetricsRepository, interval: Double,
        gauges: @escaping @Sendable () async -> [(SeriesKey, Double)] = { [] }
    ) {
        self.stack = stack
        self.state = state
        self.metrics = metrics
        self.interval = interval
        self.gauges = gauges
    }

    /// Collects until the task is cancelled.
    public func run(report: @Sendable (Event) -> Void) async {
        let scraper = MetricsScraper(timeout: min(5, interval))
        var failing: Set<String> = []
        var lastProblem: String?
        var announced = false
        while !Task.isCancelled {
            let started = Date()
            do {
                let targets = try await MetricsScraper.targets(of: stack, in: state)
                var round = await scraper.round(targets)
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                for (key, value) in await gauges() { round.buffer.append(key, Sample(time: now, value: value)) }
                try await metrics.write(&round.buffer)
                lastProblem = nil
                if !announced, !targets.isEmpty {
                    let proxies = targets.filter { $0.labels["replica"] == MetricsScraper.Target.proxy }.count
                    report(.collecting(replicas: targets.count - proxies, proxies: proxies, interval: interval))
                    announced = true
                }
                // By resource and replica, not URL: a restarted replica answering on its new port has recovered.
                let failed = Set(round.failures.map(\.target.name))
                for (target, failure) in round.failures where !failing.contains(target.name) {
                    report(.notAnswering(replica: target.name, url: target.url.absoluteString, reason: failure.description))
                }
                for name in failing.subtracting(failed) where targets.contains(where: { $0.name == name }) {
                    report(.answersAgain(replica: name))
                }
                failing = failed
            } catch {
                let problem = "\(error)"
                if problem != lastProblem { report(.problem(problem)) }
                lastProblem = problem
            }
            let wait = interval - Date().timeIntervalSince(started)
            if wait > 0 {
                do { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) } catch { return }
            }
        }
    }
}
