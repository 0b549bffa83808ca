import DharmaCost
import DharmaInsight

/// A stack's spend this month against its budget, and where the month is heading: what its
/// applied runs have cost since the month began, and the month-end forecast of the daily spend
/// (as `dharma cost --forecast-spend` makes it from a bill), with its 80 % interval.
public struct BudgetBurn: Sendable {
    /// Spent since the month began, up to now.
    public var spent: Double
    /// From the model over the last 8 weeks of daily spend, or at the rate running now when they
    /// are too few to fit it; nil when nothing ever ran.
    public var forecast: CapacityForecaster.MonthEnd?
    public var budget: Budget?

    /// The days of history the forecast learns from.
    static let historyDays = 56

    public init(_ history: SpendHistory, budget: Budget?, now: Double) {
        let month = BillingMonth(containing: now)
        let day = BillingMonth.dayLength
        self.budget = budget
        spent = history.spend(from: month.start, to: now, monthLength: month.length)
        let todayStart = month.start + Double(month.today - 1) * day
        // Today counts as a whole day at the rate running now, so it neither drags the forecast
        // down in the morning nor leaves the afternoon unforecast.
        let today = history.spend(from: todayStart, to: now, monthLength: month.length) + history.rates(at: now).cost * (todayStart + day - now) / month.length
        let firstRun = history.steps.first?.from ?? now
        let earlier = (1..<Self.historyDays).reversed().map { todayStart - Double($0) * day }.filter { $0 + day > firstRun }
        let daily = earlier.map { history.spend(from: $0, to: $0 + day, monthLength: month.length) } + [today]
        let thisMonth = min(month.today, daily.count)
        // Too few days for the model (a stack applied yesterday): what runs now runs on.
        forecast =
            CapacityForecaster.monthEnd(daily: daily, daysThisMonth: thisMonth, daysInMonth: month.days, budget: budget?.monthly)
            ?? (history.isEmpty
                ? nil
                : Self.atRunRate(
                    daily.suffix(thisMonth).reduce(0, +), history.rates(at: now).cost / Double(month.days), remaining: month.days - month.today, budget))
    }

    static func atRunRate(_ spent: Double, _ daily: Double, remaining: Int, _ budget: Budget?) -> CapacityForecaster.MonthEnd {
        let total = spent + daily * Double(remaining)
        return .init(spent: spent, total: total, lower: total, upper: total, overBudget: budget.map { total > $0.monthly }, model: "run rate")
    }

    /// How much of the budget is spent, 0… (over 1 past it); nil without a budget.
    public var burned: Double? {
        guard let budget, budget.monthly > 0 else { return nil }
        return spent / budget.monthly
    }
}
