import DharmaStore
import Foundation

/// What a stack's applied runs left running over time. Each applied run's monthly cost and
/// carbon estimate holds from the moment it applied until the next applied run; a destroy
/// leaves nothing running. Dashboards chart the run rate and add up the spend from it.
public struct SpendHistory: Sendable {
    struct Step: Sendable {
        var from: Double
        var live: Bool
        var monthlyCost: Double
        var monthlyCarbonKg: Double
    }
    let steps: [Step]

    public init(runs: [Run]) {
        steps = runs.filter { $0.state == .applied }.sorted { $0.updatedAt < $1.updatedAt }.map { run in
            let live = run.kind != .destroy
            return Step(from: run.updatedAt, live: live, monthlyCost: live ? run.monthlyCost ?? 0 : 0, monthlyCarbonKg: live ? run.monthlyCarbonKg ?? 0 : 0)
        }
    }

    /// No run ever applied.
    public var isEmpty: Bool { steps.isEmpty }

    /// The newest applied run left something running: it was not a destroy.
    public var isRunning: Bool { steps.last?.live ?? false }

    /// The monthly cost and carbon (kg CO2e) running at `time`.
    public func rates(at time: Double) -> (cost: Double, carbonKg: Double) {
        guard let step = steps.last(where: { $0.from <= time }) else { return (0, 0) }
        return (step.monthlyCost, step.monthlyCarbonKg)
    }

    /// What was spent between `start` and `end`, each monthly cost spread evenly over a month
    /// of `monthLength` seconds.
    public func spend(from start: Double, to end: Double, monthLength: Double) -> Double {
        guard end > start, monthLength > 0 else { return 0 }
        var total = 0.0
        for (index, step) in steps.enumerated() {
            let stepEnd = index + 1 < steps.count ? steps[index + 1].from : .infinity
            let overlap = min(end, stepEnd) - max(start, step.from)
            if overlap > 0 { total += step.monthlyCost * overlap / monthLength }
        }
        return total
    }
}

/// The calendar month around a moment, in UTC, and its days: what budgets and month-end
/// forecasts count in.
public struct BillingMonth: Sendable {
    public static let dayLength = 86_400.0
    /// When the month began, and how many days it has.
    public var start: Double
    public var days: Int
    /// The day of the month `now` falls on, from 1.
    public var today: Int
    public var length: Double { Double(days) * Self.dayLength }

    public init(containing now: Double) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let date = Date(timeIntervalSince1970: now)
        let first = calendar.dateInterval(of: .month, for: date)?.start ?? date
        start = first.timeIntervalSince1970
        days = calendar.range(of: .day, in: .month, for: date)?.count ?? 30
        today = calendar.component(.day, from: date)
    }
}
