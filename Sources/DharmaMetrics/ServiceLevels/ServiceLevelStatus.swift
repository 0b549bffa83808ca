import DharmaCore

/// Where one service stands against its objectives: the SLIs over the objective's window, the
/// error budget left, how fast it burns over the alerting windows, and the alerts that fire.
public struct ServiceLevelStatus: Sendable, Hashable, Codable {
    /// How fast one indicator's budget burned over one window: the bad share of requests
    /// divided by the share the objective allows (1 spends exactly the budget over the window).
    public struct BurnRate: Sendable, Hashable, Codable {
        public var indicator: ServiceLevelIndicator
        /// Seconds.
        public var window: Double
        /// Nil when the window saw no requests.
        public var rate: Double?
        public var requests: Double
    }

    /// A burn-rate rule whose long and short windows both burn faster than its threshold.
    public struct Alert: Sendable, Hashable, Codable {
        public var indicator: ServiceLevelIndicator
        public var rule: BurnRatePolicy.Rule
        public var longBurn: Double
        public var shortBurn: Double

        /// Which alert this is, apart from how fast it burns right now.
        public var name: String { "\(indicator) \(rule.speed.rawValue) burn" }

        /// One line, for incidents, events and the stack page.
        public var summary: String {
            let what = indicator == .availability ? "availability" : "latency"
            return "\(what) error budget burning \(Self.times(longBurn)) over \(Self.window(rule.longWindow)) and "
                + "\(Self.times(shortBurn)) over \(Self.window(rule.shortWindow)) (alert at \(Self.times(rule.threshold)))"
        }

        public static func times(_ value: Double) -> String {
            value >= 100 ? "\(Int(value.rounded()))×" : String(format: "%.1f×", value)
        }

        public static func window(_ seconds: Double) -> String {
            seconds >= 3_600 ? "\(Int(seconds / 3_600)) h" : "\(Int(seconds / 60)) min"
        }
    }

    public var resource: String
    public var objective: ServiceLevelObjective
    /// Over the objective's window.
    public var events: ServiceLevelEvents
    public var burnRates: [BurnRate]
    public var alerts: [Alert]

    public var indicators: [ServiceLevelIndicator] {
        ServiceLevelIndicator.allCases.filter { $0.budget(of: objective) != nil }
    }

    /// Share of the window's requests that were good; nil without requests.
    public func achieved(_ indicator: ServiceLevelIndicator) -> Double? {
        events.badRatio(indicator).map { 1 - $0 }
    }

    /// Share of the window's error budget not yet spent, below 0 once overspent; nil without
    /// requests or without that objective.
    public func budgetRemaining(_ indicator: ServiceLevelIndicator) -> Double? {
        guard let budget = indicator.budget(of: objective), let ratio = events.badRatio(indicator) else { return nil }
        return 1 - ratio / budget
    }

    public func burnRate(_ indicator: ServiceLevelIndicator, over window: Double) -> Double? {
        burnRates.first { $0.indicator == indicator && $0.window == window }?.rate
    }

    /// Judges the events of each window against the objective and the policy (whose rules
    /// come most urgent first).
    public static func assess(
        resource: String, objective: ServiceLevelObjective, overWindow: ServiceLevelEvents, byWindow: [Double: ServiceLevelEvents],
        policy: BurnRatePolicy = .workbook
    ) -> ServiceLevelStatus {
        var status = ServiceLevelStatus(resource: resource, objective: objective, events: overWindow, burnRates: [], alerts: [])
        for indicator in status.indicators {
            guard let budget = indicator.budget(of: objective) else { continue }
            func burn(_ window: Double) -> Double? {
                byWindow[window]?.badRatio(indicator).map { $0 / budget }
            }
            for window in policy.windows {
                status.burnRates.append(BurnRate(indicator: indicator, window: window, rate: burn(window), requests: byWindow[window]?.requests ?? 0))
            }
            // The first rule that fires, as Alertmanager's inhibition would leave it: a fast
            // burn also passes the slow rule's threshold, and one alert says it.
            for rule in policy.rules {
                guard let long = burn(rule.longWindow), let short = burn(rule.shortWindow), long > rule.threshold, short > rule.threshold else {
                    continue
                }
                status.alerts.append(Alert(indicator: indicator, rule: rule, longBurn: long, shortBurn: short))
                break
            }
        }
        return status
    }
}
