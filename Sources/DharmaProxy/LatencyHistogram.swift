/// Cumulative latency buckets, as Prometheus histograms count them: the usual bounds, and
/// with a latency objective, bounds around it (from half to twice it), so the share of requests
/// within the objective is counted exactly and a p99 near it is resolved to tens of
/// milliseconds, not guessed between 0.25 s and 0.5 s.
struct LatencyHistogram {
    static let standardBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let aroundObjective = [0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2]

    let bounds: [Double]
    private var counts: [Int]
    private var count = 0
    private var sum = 0.0

    init(objective: Double? = nil) {
        // To the millisecond, as the objective itself is, so `le` labels stay short and exact.
        let near = objective.map { objective in Self.aroundObjective.map { ($0 * objective * 1000).rounded() / 1000 }.filter { $0 > 0 } } ?? []
        bounds = Set(Self.standardBounds + near).sorted()
        counts = [Int](repeating: 0, count: bounds.count)
    }

    mutating func observe(_ seconds: Double) {
        for (index, bound) in bounds.enumerated() where seconds <= bound { counts[index] += 1 }
        count += 1
        sum += seconds
    }

    func exposition(name: String, help: String) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (index, bound) in bounds.enumerated() { out += "\(name)_bucket{le=\"\(bound)\"} \(counts[index])\n" }
        out += "\(name)_bucket{le=\"+Inf\"} \(count)\n\(name)_sum \(sum)\n\(name)_count \(count)\n"
        return out
    }
}
