import Foundation

/// Predictions built on exponential smoothing: when a resource runs out, and what a month
/// will cost.
public enum CapacityForecaster {
    public struct Exhaustion: Sendable {
        /// Steps from the last observation until the forecast reaches capacity.
        public var steps: Double
        /// The interval: the upper path reaches capacity first, the lower one last (or never).
        public var earliest: Double
        public var latest: Double?
        public var model: String
    }

    /// When `series` (e.g. disk used) reaches `capacity`, looking at most `maximumSteps` ahead;
    /// nil when the forecast does not reach it.
    public static func timeToExhaustion(_ series: [Double], capacity: Double, maximumSteps: Int = 2000) -> Exhaustion? {
        let smoothing = ExponentialSmoothing()
        guard let model = smoothing.fit(series) else { return nil }
        let forecast = smoothing.forecast(model, horizon: maximumSteps)
        guard let step = forecast.mean.firstIndex(where: { $0 >= capacity }) else { return nil }
        let earliest = forecast.upper.firstIndex { $0 >= capacity } ?? step
        let latest = forecast.lower.firstIndex { $0 >= capacity }
        return Exhaustion(steps: Double(step + 1), earliest: Double(earliest + 1), latest: latest.map { Double($0 + 1) }, model: model.name)
    }

    public struct MonthEnd: Sendable {
        public var spent: Double
        public var total: Double
        public var lower: Double
        public var upper: Double
        public var overBudget: Bool?
        public var model: String

        public init(spent: Double, total: Double, lower: Double, upper: Double, overBudget: Bool?, model: String) {
            self.spent = spent
            self.total = total
            self.lower = lower
            self.upper = upper
            self.overBudget = overBudget
            self.model = model
        }
    }

    /// Month-end spend from this month's daily costs so far (and earlier days for the model):
    /// what is spent plus the forecast of the remaining days, with an 80 % interval; an alert
    /// when the forecast crosses `budget`.
    public static func monthEnd(daily: [Double], daysThisMonth: Int, daysInMonth: Int, budget: Double?) -> MonthEnd? {
        guard daysThisMonth >= 1, daysThisMonth <= daysInMonth, daily.count >= daysThisMonth else { return nil }
        let spent = daily.suffix(daysThisMonth).reduce(0, +)
        let remaining = daysInMonth - daysThisMonth
        guard remaining > 0 else {
            return MonthEnd(spent: spent, total: spent, lower: spent, upper: spent, overBudget: budget.map { spent > $0 }, model: "actual")
        }
        let smoothing = ExponentialSmoothing()
        guard let model = smoothing.fit(daily, period: daily.count >= 21 ? 7 : 1) else { return nil }
        let forecast = smoothing.forecast(model, horizon: remaining)
        let total = spent + forecast.mean.reduce(0, +)
        let lower = spent + ExponentialSmoothing.quantile(forecast.pathTotals, 0.1)
        let upper = spent + ExponentialSmoothing.quantile(forecast.pathTotals, 0.9)
        return MonthEnd(spent: spent, total: total, lower: lower, upper: upper, overBudget: budget.map { total > $0 }, model: model.name)
    }
}
