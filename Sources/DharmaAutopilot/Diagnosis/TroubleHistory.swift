import DharmaCore
import DharmaInsight

/// What the autopilot has seen of each resource over the last ticks — 1 for a tick with a
/// symptom, 0 without — and the diagnosis it feeds: the RootCauseAnalyzer's personalised
/// PageRank over the stack's dependency graph, so that when a dependency and its dependents
/// are in trouble together, the dependency is named first.
struct TroubleHistory: Sendable {
    var length = 60
    private var series: [String: [Double]] = [:]

    mutating func record(_ symptoms: [Symptom], resources: some Collection<String>) {
        let troubled = Set(symptoms.map(\.resource))
        for name in resources {
            var values = series[name] ?? []
            values.append(troubled.contains(name) ? 1 : 0)
            if values.count > length { values.removeFirst(values.count - length) }
            series[name] = values
        }
        let live = Set(resources)
        series = series.filter { live.contains($0.key) }
    }

    /// The likely root causes of trouble at `resource`, most likely first (at most three); the
    /// resource itself is always among them.
    func suspects(for resource: String, in recorded: StackState) -> [String] {
        let nodes = recorded.resources.values.map { state in
            let values = series[state.name] ?? []
            return RootCauseAnalyzer.Node(name: state.name, dependencies: state.dependencies, metric: values, anomaly: values)
        }
        let troubled = Set(series.filter { $0.value.last == 1 }.keys)
        var ranked = RootCauseAnalyzer().rank(nodes).map(\.name).filter { troubled.contains($0) && Self.reaches(resource, $0, in: recorded) }
        if !ranked.contains(resource) { ranked.append(resource) }
        return Array(ranked.prefix(3))
    }

    /// Whether `cause` is `resource` or something it depends on, directly or not.
    private static func reaches(_ resource: String, _ cause: String, in recorded: StackState) -> Bool {
        var seen: Set<String> = []
        var queue = [resource]
        while let next = queue.popLast() {
            if next == cause { return true }
            guard seen.insert(next).inserted else { continue }
            queue += recorded.resources[next]?.dependencies ?? []
        }
        return false
    }
}
