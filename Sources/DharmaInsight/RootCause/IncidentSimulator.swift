import Foundation

/// Incidents whose root cause is known, for evaluating root-cause analysis: a random service
/// graph, metrics with noise, a fault injected into one node that spreads to the nodes that
/// depend on it with delays, damping and noise, and unrelated blips elsewhere.
public struct IncidentSimulator: Sendable {
    public struct Incident: Sendable {
        public var nodes: [RootCauseAnalyzer.Node]
        public var rootCause: String
    }

    var random: SeededRandom

    public init(seed: UInt64) { random = SeededRandom(seed: seed) }

    public mutating func next(steps: Int = 400, faultAt: Int = 300) -> Incident {
        let count = 6 + Int(random.next() % 15)
        // Node i may call nodes with a higher index: a layered, acyclic service graph.
        var dependencies = [[Int]](repeating: [], count: count)
        for node in 0..<(count - 1) {
            let calls = 1 + Int(random.next() % 3)
            for _ in 0..<calls {
                let target = node + 1 + Int(random.next() % UInt64(count - node - 1))
                if !dependencies[node].contains(target) { dependencies[node].append(target) }
            }
        }
        let root = Int(random.next() % UInt64(count))
        var metrics = (0..<count).map { _ -> [Double] in
            let level = 20 + random.uniform() * 80
            let noise = level * (0.02 + 0.05 * random.uniform())
            let period = [24.0, 48.0, 96.0][Int(random.next() % 3)]
            let amplitude = random.uniform() * level * 0.2
            return (0..<steps).map { step in level + amplitude * sin(Double(step) * 2 * .pi / period) + noise * random.normal() }
        }
        // The fault, then its spread upwards through callers.
        var impact = [Double](repeating: 0, count: count)
        var start = [Int](repeating: Int.max, count: count)
        impact[root] = 3 + random.uniform() * 3
        start[root] = faultAt
        for node in stride(from: count - 1, through: 0, by: -1) {
            for dependency in dependencies[node] where start[dependency] != Int.max && random.uniform() < 0.8 {
                let delay = start[dependency] + 1 + Int(random.next() % 6)
                let strength = impact[dependency] * (0.5 + 0.4 * random.uniform())
                if delay < start[node] || strength > impact[node] { start[node] = min(start[node], delay); impact[node] = max(impact[node], strength) }
            }
        }
        for node in 0..<count where start[node] != Int.max {
            let scale = metrics[node][0..<faultAt].map(abs).reduce(0, +) / Double(faultAt) * 0.15
            for step in start[node]..<steps { metrics[node][step] += impact[node] * scale * (0.8 + 0.4 * random.uniform()) }
        }
        // Unrelated blips: short spikes in a few healthy nodes, sometimes before the fault.
        for _ in 0..<Int(random.next() % 3) {
            let node = Int(random.next() % UInt64(count))
            let at = faultAt - 20 + Int(random.next() % 40)
            for step in at..<min(steps, at + 2) { metrics[node][step] *= 1.6 }
        }
        let nodes = (0..<count).map { node -> RootCauseAnalyzer.Node in
            // For diagnosis every anomalous step matters, so alarms are not rested.
            var settings = AnomalyDetector.Settings()
            settings.restPeriod = 0
            var detector = AnomalyDetector(settings: settings)
            let scores = metrics[node].map { detector.score($0) }
            return RootCauseAnalyzer.Node(
                name: "s\(node)", dependencies: dependencies[node].map { "s\($0)" },
                metric: Array(metrics[node].suffix(steps - faultAt + 60)),
                anomaly: Array(scores.suffix(steps - faultAt + 60)))
        }
        return Incident(nodes: nodes, rootCause: "s\(root)")
    }
}
