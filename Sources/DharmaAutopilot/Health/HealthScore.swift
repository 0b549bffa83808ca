import DharmaCore

/// A stack's health, 0–100: 100 less a penalty per problem, each capped so one kind of
/// trouble cannot hide the others (the README has the table).
///
/// | component | penalty | cap |
/// |---|---|---|
/// | SLO: error-budget burn rate b = error rate ÷ (1 − objective) | 10 × b | 30 |
/// | failing resources (replicas down, gone, unhealthy) | 10 each | 30 |
/// | open incidents | critical 20, major 10, minor 3 | 40 |
/// | drifted resources | 5 each | 15 |
/// | certificates within their renewal window | 10 each | 20 |
/// | forecast risk (capacity exhausted within 24 h) | 10 each | 20 |
public struct HealthScore: Sendable, Codable, Hashable {
    public struct Penalty: Sendable, Codable, Hashable {
        public var component: String
        public var points: Double
        public var detail: String
    }

    /// Requests through the stack's proxies: what SLO compliance is measured on.
    public struct Traffic: Sendable, Codable, Hashable {
        public var requests: Int
        public var failures: Int

        public init(requests: Int, failures: Int) {
            self.requests = requests
            self.failures = failures
        }
    }

    public var score: Int
    public var penalties: [Penalty]
    /// Share of requests answered without a 5xx, when there was traffic.
    public var availability: Double?
    public var objective: Double

    public static let defaultObjective = 0.999

    public static func assess(
        symptoms: [Symptom], incidents: [Incident], traffic: Traffic?, objective: Double = defaultObjective,
        expiringCertificates: [String] = [], forecastRisks: [String] = []
    ) -> HealthScore {
        var penalties: [Penalty] = []
        func add(_ component: String, _ points: Double, cap: Double, _ detail: String) {
            guard points > 0 else { return }
            penalties.append(Penalty(component: component, points: (min(points, cap) * 10).rounded() / 10, detail: detail))
        }
        var availability: Double?
        if let traffic, traffic.requests > 0 {
            let errorRate = Double(traffic.failures) / Double(traffic.requests)
            availability = 1 - errorRate
            let burn = errorRate / max(1 - objective, 1e-9)
            add(
                "slo", 10 * burn, cap: 30,
                String(
                    format: "%.3f%% of %d requests answered (objective %.2f%%), error budget burning %.1f×",
                    (1 - errorRate) * 100, traffic.requests, objective * 100, burn))
        }
        let failing = Set(symptoms.filter { [.crash, .missing, .unhealthy].contains($0.kind) }.map(\.resource)).sorted()
        add("failing", 10 * Double(failing.count), cap: 30, "failing: " + failing.joined(separator: ", "))
        let open = incidents.filter(\.isOpen)
        let weights: [Incident.Severity: Double] = [.critical: 20, .major: 10, .minor: 3]
        add(
            "incidents", open.map { weights[$0.severity] ?? 0 }.reduce(0, +), cap: 40,
            "open: " + open.map { "\($0.id) (\($0.severity.rawValue))" }.joined(separator: ", "))
        let drifted = Set(symptoms.filter { $0.kind == .drift }.map(\.resource)).subtracting(failing).sorted()
        add("drift", 5 * Double(drifted.count), cap: 15, "drifted: " + drifted.joined(separator: ", "))
        add("certificates", 10 * Double(expiringCertificates.count), cap: 20, "expiring: " + expiringCertificates.joined(separator: ", "))
        add("forecast", 10 * Double(forecastRisks.count), cap: 20, "at risk: " + forecastRisks.joined(separator: "; "))
        let total = penalties.map(\.points).reduce(0, +)
        return HealthScore(score: Int(max(0, 100 - total).rounded(.down)), penalties: penalties, availability: availability, objective: objective)
    }

    /// `metadata.slo.availability` (e.g. `99.9%`), or 99.9 %.
    public static func objective(of blueprint: Blueprint) -> Double {
        ServiceLevelObjective(blueprint.metadata.extra["slo"])?.availability ?? defaultObjective
    }
}
