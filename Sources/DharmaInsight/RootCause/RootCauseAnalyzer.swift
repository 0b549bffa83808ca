import Foundation

/// Ranks the likely root causes of an incident, the MicroRCA way: a personalised PageRank over
/// the service graph, walking from a symptom towards what it depends on, with each step
/// weighted by how strongly the two metrics moved together, and personalised by each node's
/// anomaly score.
public struct RootCauseAnalyzer: Sendable {
    public struct Node: Sendable {
        public var name: String
        /// Names of the nodes this one calls or reads from (its dependencies).
        public var dependencies: [String]
        /// The metric around the incident, one value per step.
        public var metric: [Double]
        /// Anomaly score per step, from the detector.
        public var anomaly: [Double]

        public init(name: String, dependencies: [String], metric: [Double], anomaly: [Double]) {
            self.name = name
            self.dependencies = dependencies
            self.metric = metric
            self.anomaly = anomaly
        }
    }

    public struct Ranked: Sendable {
        public var name: String
        public var score: Double
    }

    public var damping = 0.85
    public var iterations = 60
    /// Scores at or above this count as an anomaly.
    public var threshold = 0.99

    public init() {}

    public func rank(_ nodes: [Node]) -> [Ranked] {
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.name, $0) })
        let count = nodes.count
        guard count > 0 else { return [] }
        // Severity: how much of the window was anomalous, so a fault that started first and
        // lasted weighs more than a blip, and scores that saturate still differ.
        let persistence = nodes.map { node in node.anomaly.isEmpty ? 0 : node.anomaly.map { min(1, $0) }.reduce(0, +) / Double(node.anomaly.count) }
        // …and how far the metric moved, in units of its own spread before the incident: a
        // fault is strongest where it starts and weakens as it spreads.
        let shifts = nodes.map { Self.shift($0.metric) }
        let topPersistence = max(persistence.max() ?? 1, 1e-9)
        let topShift = max(shifts.max() ?? 1, 1e-9)
        let relative = nodes.indices.map { 0.5 * persistence[$0] / topPersistence + 0.5 * shifts[$0] / topShift }
        // Edges from a node to its dependencies, weighted by metric correlation (propagation
        // moves metrics together) and by how anomalous the dependency is.
        var outgoing = [[(Int, Double)]](repeating: [], count: count)
        for (from, node) in nodes.enumerated() {
            var explained = 0.0
            for name in node.dependencies {
                guard let to = index[name] else { continue }
                let correlation = abs(Self.correlation(node.metric, nodes[to].metric))
                outgoing[from].append((to, 0.01 + correlation * relative[to] * relative[to]))
                explained = max(explained, relative[to])
            }
            // A node whose dependencies are healthy keeps the walk: nothing below explains it.
            outgoing[from].append((from, 0.01 + relative[from] * (1 - explained)))
        }
        let personal = relative.map { $0 + 1e-3 }
        let total = personal.reduce(0, +)
        let preference = personal.map { $0 / total }
        var rank = preference
        for _ in 0..<iterations {
            var next = preference.map { (1 - damping) * $0 }
            for from in 0..<count {
                let weights = outgoing[from].map(\.1).reduce(0, +)
                guard weights > 0 else { continue }
                for (to, weight) in outgoing[from] { next[to] += damping * rank[from] * weight / weights }
            }
            rank = next
        }
        return nodes.indices.map { Ranked(name: nodes[$0].name, score: rank[$0] * (0.2 + relative[$0])) }
            .sorted { $0.score > $1.score }
    }

    /// The baseline: the node whose anomaly began first; among equals, the most upstream.
    public func earliestAnomaly(_ nodes: [Node]) -> [Ranked] {
        let firsts = nodes.map { node -> Int in node.anomaly.firstIndex { $0 >= threshold } ?? Int.max }
        return nodes.indices.sorted { a, b in
            firsts[a] != firsts[b] ? firsts[a] < firsts[b] : nodes[a].dependencies.count < nodes[b].dependencies.count
        }.map { Ranked(name: nodes[$0].name, score: firsts[$0] == Int.max ? 0 : 1 / Double(1 + firsts[$0])) }
    }

    /// |median of the last half − median of the first quarter| over the first quarter's
    /// median absolute deviation.
    static func shift(_ metric: [Double]) -> Double {
        guard metric.count >= 8 else { return 0 }
        func median(_ values: some Collection<Double>) -> Double {
            let sorted = values.sorted()
            return sorted[sorted.count / 2]
        }
        let before = metric.prefix(metric.count / 4)
        let after = metric.suffix(metric.count / 2)
        let centre = median(before)
        let spread = median(before.map { abs($0 - centre) }) * 1.4826 + 1e-9 * max(1, abs(centre))
        return abs(median(after) - centre) / spread
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = min(a.count, b.count)
        guard n > 2 else { return 0 }
        let x = a.suffix(n), y = b.suffix(n)
        let meanX = x.reduce(0, +) / Double(n), meanY = y.reduce(0, +) / Double(n)
        var covariance = 0.0, varianceX = 0.0, varianceY = 0.0
        for (u, v) in zip(x, y) {
            covariance += (u - meanX) * (v - meanY)
            varianceX += (u - meanX) * (u - meanX)
            varianceY += (v - meanY) * (v - meanY)
        }
        let denominator = (varianceX * varianceY).squareRoot()
        return denominator == 0 ? 0 : covariance / denominator
    }
}
