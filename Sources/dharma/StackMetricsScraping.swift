import DharmaCore
import DharmaInsight
import DharmaStore
import Foundation

/// The metrics collection `dharma up` runs beside its supervisor: every interval, the stack's
/// replicas (read again from its state, since a restarted replica gets a new port) are scraped
/// into the state database. A replica that stops answering is reported once, and again when it
/// answers; collection never stops the supervisor.
struct StackMetricsScraping: Sendable {
    var stack: StackID
    var store: any Store
    var databasePath: String
    var interval: Double
    /// Figures of Dharma's own recorded with every round (the health score).
    var gauges: @Sendable () async -> [(SeriesKey, Double)] = { [] }

    func run() async {
        let database: MetricsDatabase
        do { database = try MetricsDatabase.open(databasePath) } catch {
            Terminal.error("metrics are not collected: \((error as? CLIFailure)?.message ?? "\(error)")")
            return
        }
        let scraper = MetricsScraper(timeout: min(5, interval))
        var failing: Set<String> = []
        var lastProblem: String?
        var announced = false
        while !Task.isCancelled {
            let started = Date()
            do {
                let targets = try await MetricsScraper.targets(of: stack, in: store)
                var round = await scraper.round(targets)
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                for (key, value) in await gauges() { round.buffer.append(key, Sample(time: now, value: value)) }
                try await database.write(&round.buffer)
                lastProblem = nil
                if !announced, !targets.isEmpty {
                    report("collecting metrics from \(targets.count) replica\(targets.count == 1 ? "" : "s") every \(interval.formatted())s into \(databasePath)")
                    announced = true
                }
                // By resource and replica, not URL: a restarted replica answering on its new port has recovered.
                let failed = Set(round.failures.map { Self.name($0.target) })
                for failure in round.failures where !failing.contains(Self.name(failure.target)) {
                    Terminal.error("metrics: \(Self.name(failure.target)) does not answer at \(failure.target.url.absoluteString): \(failure.message)")
                }
                for name in failing.subtracting(failed) where targets.contains(where: { Self.name($0) == name }) {
                    report("metrics: \(name) answers again")
                }
                failing = failed
            } catch {
                let problem = "\(error)"
                if problem != lastProblem { Terminal.error("metrics: \(problem)") }
                lastProblem = problem
            }
            let wait = interval - Date().timeIntervalSince(started)
            if wait > 0 {
                do { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) } catch { return }
            }
        }
    }

    private func report(_ line: String) {
        print(line)
        fflush(nil)
    }

    static func name(_ target: MetricsScraper.Target) -> String {
        "\(target.labels["resource"] ?? "?")[\(target.labels["replica"] ?? "?")]"
    }
}
