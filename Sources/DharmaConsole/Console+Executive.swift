import DharmaAutopilot
import DharmaInsight
import DharmaPolicy
import DharmaService
import DharmaStore
import Foundation
import Hummingbird

struct ExecutiveDashboard {
    struct Trend {
        var title: String
        var now: String
        var forecast: String?
        var svg: String
    }
    struct StackRow {
        var stack: String
        var url: String
        var monthlyCost: String
        var carbon: String
        var savings: String?
        var availability: String?
    }
    /// Each framework's compliance score over the running stacks: the mean, and the lowest.
    struct FrameworkScore {
        var framework: String
        var mean: String
        var lowest: String
        var lowestStack: String
        var stacks: Int
    }
    var trends: [Trend]
    var compliance: [FrameworkScore]
    var noCompliance: Bool
    var monthlyCost: String
    var carbon: String
    var savings: String
    var availability: String?
    var stacks: [StackRow]
    var none: Bool
}

/// The executive dashboard: what the stacks cost and emit each month and where that is going
/// (the daily total over 90 days from each stack's applied runs, with its forecast), what
/// `dharma optimize` would save by moving each resource to its cheapest place, and availability.
extension Console {
    static let trendDays = 90

    func executiveDashboard() async throws -> Response {
        let (tenants, runs, _) = try acting()
        let service = ManagedStackService(tenants: tenants)
        let dayLength = 86_400.0
        let today = (Date().timeIntervalSince1970 / dayLength).rounded(.up) * dayLength
        let days = (0..<Self.trendDays).map { today - Double(Self.trendDays - 1 - $0) * dayLength }
        var costByDay = [Double](repeating: 0, count: days.count), carbonByDay = [Double](repeating: 0, count: days.count)
        var rows: [ExecutiveDashboard.StackRow] = []
        var totals = (cost: 0.0, carbon: 0.0, savings: 0.0)
        var availabilities: [Double] = []
        var scores: [String: [(stack: String, score: Double)]] = [:]
        for (organisation, stack) in try await readableStacks() {
            let history = SpendHistory(runs: try await runs.runs(of: stack.reference, in: organisation, PageRequest(limit: 200)).items)
            guard !history.isEmpty else { continue }
            for (index, end) in days.enumerated() {
                let rates = history.rates(at: end)
                costByDay[index] += rates.cost
                carbonByDay[index] += rates.carbonKg
            }
            let live = history.isRunning
            let (cost, carbon) = history.rates(at: .infinity)
            // Savings need the blueprint to price; a stack whose blueprint no longer prices shows none.
            var savings: Double?
            var health: HealthScore?
            if live {
                savings = try? await service.placement(stack.reference, in: organisation, objective: .cost).advice.reduce(0.0) {
                    $0 + max(0, ($1.asWritten.monthly ?? 0) - ($1.cheapest.cost.monthly ?? 0))
                }
                health = try? await service.health(stack.reference, in: organisation).score
                let frameworks = Framework.allCases.map(\.rawValue)
                for report in (try? await service.compliance(stack.reference, in: organisation, frameworks: frameworks).reports) ?? [] {
                    scores[report.framework.rawValue, default: []].append(("\(organisation)/\(stack.reference)", report.score))
                }
            }
            if let availability = health?.availability { availabilities.append(availability) }
            totals.cost += cost
            totals.carbon += carbon
            totals.savings += savings ?? 0
            rows.append(
                .init(
                    stack: "\(organisation)/\(stack.reference)", url: "/console/orgs/\(organisation)/stacks/\(stack.reference)",
                    monthlyCost: Self.dollars(cost), carbon: Self.kilograms(carbon), savings: savings.map(Self.dollars),
                    availability: health?.availability.map { String(format: "%.3f %%", $0 * 100) }))
        }
        let trends = [
            Self.trend("Monthly cost", costByDay, days: days, format: Self.dollars),
            Self.trend("Carbon a month (kg CO2e)", carbonByDay, days: days, format: Self.kilograms),
        ]
        let compliance = scores.sorted { $0.key < $1.key }.compactMap { framework, stacks -> ExecutiveDashboard.FrameworkScore? in
            guard let lowest = stacks.min(by: { $0.score < $1.score }) else { return nil }
            let mean = stacks.reduce(0) { $0 + $1.score } / Double(stacks.count)
            return .init(
                framework: framework, mean: String(format: "%.0f %%", mean), lowest: String(format: "%.0f %%", lowest.score), lowestStack: lowest.stack,
                stacks: stacks.count)
        }
        let view = ExecutiveDashboard(
            trends: trends, compliance: compliance, noCompliance: compliance.isEmpty, monthlyCost: Self.dollars(totals.cost),
            carbon: Self.kilograms(totals.carbon), savings: Self.dollars(totals.savings),
            availability: availabilities.min().map { String(format: "%.3f %% (the lowest of %d stacks)", $0 * 100, availabilities.count) },
            stacks: rows.sorted { $0.stack < $1.stack }, none: rows.isEmpty)
        return pages.render(.executive, title: "Executive", view)
    }

    /// A daily series charted with the forecast of its next quarter-window, from the days since
    /// the first that had anything running.
    static func trend(_ title: String, _ values: [Double], days: [Double], format: (Double) -> String) -> ExecutiveDashboard.Trend {
        let first = values.firstIndex { $0 > 0 } ?? values.count - 1
        let samples = (first..<values.count).map { Sample(time: Int64(days[$0] * 1000), value: values[$0]) }
        let window = Int64((days.last ?? 0) - (days.first ?? 0)) * 1000
        let band = MetricExploration.band(samples, window: window)
        let chart = LineChartSVG(
            title: title, samples: samples,
            band: band.map { .init(start: $0.start, step: $0.step, mean: $0.mean, lower: $0.lower, upper: $0.upper) }, anomalies: [],
            from: Int64((days.first ?? 0) * 1000), to: Int64((days.last ?? 0) * 1000))
        return .init(
            title: title, now: format(values.last ?? 0), forecast: band.flatMap { $0.mean.last }.map { "\(format($0)) by the chart's end" },
            svg: chart.render())
    }
}
