import DharmaCore

/// What a service-level objective is judged on, from the requests its proxy answered.
public enum ServiceLevelIndicator: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    /// Requests answered without a 5xx.
    case availability
    /// Requests answered within the latency objective.
    case latency

    /// Share of requests the objective lets go bad: its error budget.
    public func budget(of objective: ServiceLevelObjective) -> Double? {
        switch self {
        case .availability: objective.availabilityBudget
        case .latency: objective.latencyP99 == nil ? nil : ServiceLevelObjective.latencyBudget
        }
    }

    public var description: String { rawValue }
}
