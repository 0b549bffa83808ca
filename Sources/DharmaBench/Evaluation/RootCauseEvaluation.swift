import DharmaInsight

/// Ranks the root causes of simulated incidents whose cause is known: top-1 and top-3 accuracy
/// of personalised PageRank against the earliest-anomaly baseline.
public enum RootCauseEvaluation {
    public struct Accuracy: Sendable {
        public var top1: Double
        public var top3: Double
    }

    public struct Result: Sendable {
        public var incidents: Int
        public var seed: UInt64
        public var meanServices: Double
        public var pagerank: Accuracy
        public var earliestAnomaly: Accuracy
    }

    public static func run(incidents: Int, seed: UInt64) -> Result {
        var simulator = IncidentSimulator(seed: seed)
        let analyzer = RootCauseAnalyzer()
        var hits = (pagerank: (top1: 0, top3: 0), baseline: (top1: 0, top3: 0))
        var sizes = 0
        for _ in 0..<incidents {
            let incident = simulator.next()
            sizes += incident.nodes.count
            let ranked = analyzer.rank(incident.nodes).map(\.name)
            let baseline = analyzer.earliestAnomaly(incident.nodes).map(\.name)
            if ranked.first == incident.rootCause { hits.pagerank.top1 += 1 }
            if ranked.prefix(3).contains(incident.rootCause) { hits.pagerank.top3 += 1 }
            if baseline.first == incident.rootCause { hits.baseline.top1 += 1 }
            if baseline.prefix(3).contains(incident.rootCause) { hits.baseline.top3 += 1 }
        }
        let count = Double(max(1, incidents))
        let percent = { (hits: Int) in Double(hits) / count * 100 }
        return Result(
            incidents: incidents, seed: seed, meanServices: Double(sizes) / count,
            pagerank: Accuracy(top1: percent(hits.pagerank.top1), top3: percent(hits.pagerank.top3)),
            earliestAnomaly: Accuracy(top1: percent(hits.baseline.top1), top3: percent(hits.baseline.top3)))
    }
}
