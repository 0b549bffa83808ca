import DharmaCore
import DharmaCost
import DharmaService
import DharmaStore
import Testing

@Suite("Service: spend from applied runs, and budget burn")
struct SpendHistoryTests {
    static let day = 86_400.0
    static let november20 = 1_795_132_800.0
    static let december1 = 1_796_083_200.0
    static let december11 = 1_796_947_200.0
    static let december14 = 1_797_206_400.0
    /// Noon on the 16th: 15.5 of December's 31 days have passed.
    static let now = 1_797_422_400.0

    static func run(_ id: String, _ kind: RunKind, _ state: RunState, at time: Double, cost: Double?) -> Run {
        var run = Run(
            id: id, organisation: "acme", stack: StackID(name: "shop", environment: "prod"), kind: kind, state: state, actor: "ci", message: nil,
            blueprintVersion: 1, createdAt: time - 60)
        run.updatedAt = time
        run.monthlyCost = cost
        run.monthlyCarbonKg = cost.map { $0 / 10 }
        return run
    }

    /// $310 a month from 20 November, $620 from 11 December; a speculative plan and an
    /// errored apply between them cost nothing, whatever they estimated.
    static let runs = [
        run("run-b", .apply, .applied, at: december11, cost: 620),
        run("run-a", .apply, .applied, at: november20, cost: 310),
        run("run-p", .planOnly, .plannedAndFinished, at: december1 + day, cost: 9_999),
        run("run-e", .apply, .errored, at: december1 + 2 * day, cost: 9_999),
    ]

    @Test("each applied run's rate holds until the next; spend integrates it over time, a month's cost over the month's length")
    func spendIntegratesTheRunningRate() {
        let history = SpendHistory(runs: Self.runs)
        #expect(history.rates(at: Self.november20 - 1) == (0, 0))
        #expect(history.rates(at: Self.december1 + 4 * Self.day) == (310, 31))
        #expect(history.rates(at: Self.now) == (620, 62))
        #expect(history.isRunning)
        let month = BillingMonth(containing: Self.now)
        #expect(month.start == Self.december1 && month.days == 31 && month.today == 16)
        // 10 days at $10 a day, then 5.5 days at $20 a day.
        let spent = history.spend(from: month.start, to: Self.now, monthLength: month.length)
        #expect(abs(spent - 210) < 1e-9, "\(spent)")
        #expect(history.spend(from: Self.now, to: Self.now - 1, monthLength: month.length) == 0)

        let destroyed = SpendHistory(runs: Self.runs + [Self.run("run-d", .destroy, .applied, at: Self.december14, cost: 0)])
        #expect(!destroyed.isRunning && destroyed.rates(at: Self.now) == (0, 0))
        let untilDestroy = destroyed.spend(from: month.start, to: Self.now, monthLength: month.length)
        #expect(abs(untilDestroy - 160) < 1e-9, "10 days at $10 and 3 at $20: \(untilDestroy)")
    }

    @Test("the burn is this month's spend over the budget; the month-end forecast crosses a budget the new rate will overrun")
    func budgetBurnForecastsTheMonthEnd() throws {
        let history = SpendHistory(runs: Self.runs)
        let tight = BudgetBurn(history, budget: Budget(monthly: 400, currency: "USD"), now: Self.now)
        #expect(abs(tight.spent - 210) < 1e-9 && abs((tight.burned ?? 0) - 0.525) < 1e-9)
        let forecast = try #require(tight.forecast, "27 days of history forecast the month")
        // By the end of today $220 is spent; 15 more days at $10–20 a day.
        #expect(forecast.total > 220 + 15 * 10 && forecast.total <= 220 + 15 * 20 + 1e-6, "\(forecast.total)")
        #expect(forecast.lower <= forecast.total && forecast.total <= forecast.upper)
        #expect(forecast.overBudget == true)
        #expect(BudgetBurn(history, budget: Budget(monthly: 1_000, currency: "USD"), now: Self.now).forecast?.overBudget == false)
        let unbudgeted = BudgetBurn(history, budget: nil, now: Self.now)
        #expect(unbudgeted.burned == nil && unbudgeted.forecast?.overBudget == nil)
        let nothing = BudgetBurn(SpendHistory(runs: []), budget: nil, now: Self.now)
        #expect(nothing.spent == 0 && nothing.forecast == nil)

        // Applied an hour ago: too little history for the model, so the rate running now runs on.
        let new = SpendHistory(runs: [Self.run("run-n", .apply, .applied, at: Self.now - 3_600, cost: 310)])
        let fresh = try #require(BudgetBurn(new, budget: Budget(monthly: 100, currency: "USD"), now: Self.now).forecast)
        #expect(fresh.model == "run rate" && abs(fresh.total - (10 * 13 / 24 + 15 * 10)) < 1e-9 && fresh.overBudget == true, "\(fresh)")
    }
}
