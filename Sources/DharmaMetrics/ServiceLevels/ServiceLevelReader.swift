import DharmaCore
import DharmaInsight
import DharmaStore
import Foundation

/// Reads a service's SLIs from what its proxy's `/metrics` recorded in the metrics store (the
/// stack's collector scrapes it as `replica="proxy"`): requests by status code, and the latency
/// histogram whose bucket at the objective counts the fast ones. Each counter is read once,
/// over the longest window, and every window's increase is taken from those samples.
public struct ServiceLevelReader: Sendable {
    public var metrics: MetricsRepository
    public var policy: BurnRatePolicy

    static let requests = "dharma_proxy_requests_total"
    static let latencyCount = "dharma_proxy_request_duration_seconds_count"
    static let latencyBucket = "dharma_proxy_request_duration_seconds_bucket"
    /// How far before a window to look for the sample its increase starts from: a few scrapes.
    static let lookback: Int64 = 300_000

    public init(metrics: MetricsRepository, policy: BurnRatePolicy = .workbook) {
        self.metrics = metrics
        self.policy = policy
    }

    /// Each `compute.service` of the stack's state that has an objective (its resolved `slo`
    /// input), assessed as of `now`.
    public func statuses(of state: StackState, now: Date = Date()) async throws -> [ServiceLevelStatus] {
        var statuses: [ServiceLevelStatus] = []
        for resource in state.resources.values.sorted(by: { $0.name < $1.name }) where resource.type == "compute.service" {
            guard let objective = ServiceLevelObjective(resource.inputs["slo"]) else { continue }
            statuses.append(try await status(of: resource.name, in: state.stack, objective: objective, now: now))
        }
        return statuses
    }

    public func status(of resource: String, in stack: StackID, objective: ServiceLevelObjective, now: Date = Date()) async throws -> ServiceLevelStatus {
        let to = Int64(now.timeIntervalSince1970 * 1000)
        let windows = policy.windows + [objective.window]
        let from = to - Int64((windows.max() ?? objective.window) * 1000) - Self.lookback
        let labels = ["stack": stack.description, "resource": resource, "replica": MetricsScraper.Target.proxy]
        let count = try await counters(Self.latencyCount, labels: labels, from: from, to: to)
        // The proxy lists a status code from its first answer with it: a code's series that
        // begins after the histogram's (listed from the start) was 0 until then.
        let listedSince = count.values.compactMap(\.first?.time).min()
        let byCode = Self.startingFromZero(try await counters(Self.requests, labels: labels, from: from, to: to), after: listedSince)
        var fast: [SeriesKey: [Sample]] = [:]
        if let bound = objective.latencyP99 {
            fast = try await counters(Self.latencyBucket, labels: labels.merging(["le": "\(bound)"]) { $1 }, from: from, to: to)
        }
        func events(over window: Double) -> ServiceLevelEvents {
            let start = to - Int64(window * 1000)
            func increase(_ series: [SeriesKey: [Sample]], where include: (SeriesKey) -> Bool = { _ in true }) -> Double {
                series.filter { include($0.key) }.values.map { CounterIncrease.over($0, from: start, to: to) }.reduce(0, +)
            }
            let requests = increase(byCode)
            let errors = increase(byCode) { ($0.labels["code"]).flatMap(Int.init).map { $0 >= 500 } ?? false }
            let slow = objective.latencyP99 == nil ? 0 : max(0, increase(count) - increase(fast))
            return ServiceLevelEvents(requests: requests, errors: errors, slow: slow)
        }
        return ServiceLevelStatus.assess(
            resource: resource, objective: objective, overWindow: events(over: objective.window),
            byWindow: Dictionary(uniqueKeysWithValues: policy.windows.map { ($0, events(over: $0)) }), policy: policy)
    }

    static func startingFromZero(_ series: [SeriesKey: [Sample]], after anchor: Int64?) -> [SeriesKey: [Sample]] {
        guard let anchor else { return series }
        return series.mapValues { samples in
            guard let first = samples.first, first.time > anchor else { return samples }
            return [Sample(time: first.time - 1, value: 0)] + samples
        }
    }

    /// Samples of the counters selected, raw where raw samples are kept and the 5-minute
    /// maxima before that (what `dharma metrics compact` leaves of older samples; a counter's
    /// maximum over five minutes is its last value unless it restarted in between).
    func counters(_ name: String, labels: [String: String], from: Int64, to: Int64) async throws -> [SeriesKey: [Sample]] {
        var series = try await metrics.read(.selecting(name, labels: labels), from: from, to: to)
        let rolledUp = try await metrics.read(.selecting(name + ":5m_max", labels: labels), from: from, to: to)
        for (key, older) in rolledUp {
            let raw = SeriesKey(name: name, labels: key.labels)
            let firstRaw = series[raw]?.first?.time ?? Int64.max
            series[raw] = older.filter { $0.time < firstRaw } + (series[raw] ?? [])
        }
        return series
    }
}
