/// Requests a service's proxy answered over some span of time, and how many of them broke
/// each objective.
public struct ServiceLevelEvents: Sendable, Hashable, Codable {
    public var requests: Double
    /// Answered with a 5xx, by a backend or by the proxy when none could serve.
    public var errors: Double
    /// Answered later than the latency objective (0 without one).
    public var slow: Double

    public init(requests: Double = 0, errors: Double = 0, slow: Double = 0) {
        self.requests = requests
        self.errors = errors
        self.slow = slow
    }

    public func bad(_ indicator: ServiceLevelIndicator) -> Double {
        switch indicator {
        case .availability: errors
        case .latency: slow
        }
    }

    /// Share of requests that were bad; nil without requests.
    public func badRatio(_ indicator: ServiceLevelIndicator) -> Double? {
        requests > 0 ? min(1, bad(indicator) / requests) : nil
    }
}
