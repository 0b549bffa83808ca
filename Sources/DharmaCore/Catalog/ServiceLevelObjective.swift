/// What a service promises its users, as `slo: {availability: 99.9%, latencyP99: 300ms,
/// window: 30d}` on the stack's metadata or on a `compute.service` (whose own fields override
/// the stack's). Availability is the share of requests answered without a 5xx; the latency
/// objective is met when 99 % of requests are answered within `latencyP99`. Both are judged
/// over a rolling `window`, whose error budget is what the objective leaves.
public struct ServiceLevelObjective: Sendable, Hashable, Codable {
    /// Share of requests to answer without a 5xx, e.g. 0.999.
    public var availability: Double
    /// Seconds within which 99 % of requests must be answered; nil sets no latency objective.
    public var latencyP99: Double?
    /// Seconds of the rolling window the objectives and their error budgets cover.
    public var window: Double

    /// The share of requests the latency objective expects within `latencyP99`.
    public static let latencyQuantile = 0.99
    public static let defaultAvailability = 0.999
    public static let defaultWindow = 30 * 86_400.0

    public init(availability: Double = defaultAvailability, latencyP99: Double? = nil, window: Double = defaultWindow) {
        self.availability = availability
        self.latencyP99 = latencyP99.map(Self.millisecondPrecision)
        self.window = window
    }

    /// The shape of `slo`, for the catalog, the validator and the JSON Schema.
    public static let kind = PropertyKind.object([
        PropertySchema("availability", .objective, default: .string("99.9%"), "share of requests answered without a 5xx, e.g. 99.9%"),
        PropertySchema(
            "latencyP99", .duration(min: 0.001, max: 60),
            "99% of requests are answered within this, e.g. 300ms; the proxy's latency buckets are placed around it"),
        PropertySchema("window", .duration(min: 3_600, max: 90 * 86_400), default: .string("30d"), "rolling window of the objectives and their error budget"),
    ])

    /// The objective a resolved `slo` map states, or nil when there is none (or it is not one:
    /// the validator has said why).
    public init?(_ value: Value?) {
        guard let map = value?.mapValue else { return nil }
        var objective = ServiceLevelObjective()
        if let written = map["availability"] {
            guard let percent = Units.percent(written), percent > 0, percent < 100 else { return nil }
            objective.availability = percent / 100
        }
        if let written = map["latencyP99"] {
            guard let seconds = Units.seconds(written), seconds > 0 else { return nil }
            objective.latencyP99 = Self.millisecondPrecision(seconds)
        }
        if let written = map["window"] {
            guard let seconds = Units.seconds(written), seconds > 0 else { return nil }
            objective.window = seconds
        }
        self = objective
    }

    /// A service's `slo` over its stack's, field by field: what the service states wins, what
    /// it leaves out comes from the stack. Nil when neither states one.
    public static func merged(service: Value?, stack: Value?) -> Value? {
        switch (service?.mapValue, stack?.mapValue) {
        case (nil, nil): nil
        case (let own?, nil): .map(own)
        case (nil, let inherited?): .map(inherited)
        case (let own?, let inherited?): .map(inherited.merging(own) { _, service in service })
        }
    }

    /// Share of requests the availability objective lets fail.
    public var availabilityBudget: Double { 1 - availability }

    /// Share of requests the latency objective lets be slow.
    public static var latencyBudget: Double { 1 - latencyQuantile }

    /// Latency bounds are kept to the millisecond, so the proxy's histogram bucket and the
    /// bound the SLI reads are the same number.
    static func millisecondPrecision(_ seconds: Double) -> Double {
        max(0.001, (seconds * 1000).rounded() / 1000)
    }
}
