import DharmaService
import DharmaStore
import Foundation
import Hummingbird

struct BusinessDashboard {
    /// The cost of the stacks one team owns, or one label value marks.
    struct Group {
        var name: String
        var stacks: Int
        var rate: Double
        var monthlyCost: String
        var spent: String
        var share: String
    }
    struct Burn {
        var stack: String
        var url: String
        var owner: String
        var budget: String
        var spent: String
        /// `<meter>` values: the budget's share spent, 0…1 and more past it.
        var burned: Double
        var burnedText: String
        var forecast: String
        var verdict: String
        var over: Bool
    }
    var month: String
    var dayOfMonth: Int
    var daysInMonth: Int
    var monthlyCost: String
    var spent: String
    var forecast: String
    var budgeted: String
    var teams: [Group]
    var labels: [Group]
    var burns: [Burn]
    var noLabels: Bool
    var noBudgets: Bool
    var unread: [String]
    var hasUnread: Bool
}

/// The business dashboard: what each team (`metadata.owner`) and each label spends, and each
/// budget's burn this month with the month-end forecast, from the costs of what applied runs left
/// running and the owner, labels and budget the stack's newest blueprint declares.
extension Console {
    func businessDashboard() async throws -> Response {
        let (tenants, runs, _) = try acting()
        let service = ManagedStackService(tenants: tenants)
        let now = Date().timeIntervalSince1970
        let month = BillingMonth(containing: now)
        struct Line {
            var profile: ManagedStackService.Profile
            var rate: Double
            var burn: BudgetBurn
        }
        var lines: [(stack: String, url: String, line: Line)] = []
        var unread: [String] = []
        for (organisation, stack) in try await readableStacks() {
            let history = SpendHistory(runs: try await runs.runs(of: stack.reference, in: organisation, PageRequest(limit: 200)).items)
            guard !history.isEmpty else { continue }
            let name = "\(organisation)/\(stack.reference)"
            // A blueprint that no longer loads still cost what its runs ran; it is named, and
            // counted with no team, labels or budget.
            let profile: ManagedStackService.Profile
            do { profile = try await service.profile(stack.reference, in: organisation) } catch {
                unread.append("\(name): \(error)")
                profile = .init(owner: nil, labels: [:], budget: nil)
            }
            let burn = BudgetBurn(history, budget: profile.budget, now: now)
            lines.append(
                (name, "/console/orgs/\(organisation)/stacks/\(stack.reference)", Line(profile: profile, rate: history.rates(at: now).cost, burn: burn)))
        }
        let totalRate = lines.reduce(0) { $0 + $1.line.rate }
        func groups(_ key: (Line) -> [String]) -> [BusinessDashboard.Group] {
            var members: [String: [Line]] = [:]
            for entry in lines { for name in key(entry.line) { members[name, default: []].append(entry.line) } }
            return members.map { name, group in
                let rate = group.reduce(0) { $0 + $1.rate }
                return BusinessDashboard.Group(
                    name: name, stacks: group.count, rate: rate, monthlyCost: Self.dollars(rate), spent: Self.dollars(group.reduce(0) { $0 + $1.burn.spent }),
                    share: totalRate > 0 ? String(format: "%.0f %%", rate / totalRate * 100) : "–")
            }.sorted { ($0.rate, $1.name) > ($1.rate, $0.name) }
        }
        let burns = lines.compactMap { stack, url, line -> BusinessDashboard.Burn? in
            guard let budget = line.profile.budget, let burned = line.burn.burned else { return nil }
            let forecast = line.burn.forecast
            let over = forecast?.overBudget == true
            return .init(
                stack: stack, url: url, owner: line.profile.owner ?? "–", budget: Self.dollars(budget.monthly), spent: Self.dollars(line.burn.spent),
                burned: burned, burnedText: String(format: "%.0f %%", burned * 100),
                forecast: forecast.map { "\(Self.dollars($0.total)) (\(Self.dollars($0.lower))–\(Self.dollars($0.upper)))" } ?? "too little history",
                verdict: forecast == nil ? "–" : over ? "over budget by month-end" : "within budget", over: over)
        }.sorted { $0.burned > $1.burned }
        let forecasts = lines.compactMap(\.line.burn.forecast)
        let labels = groups { $0.profile.labels.map { "\($0.key)=\($0.value)" } }
        var monthName = Date.FormatStyle().year().month(.wide)
        monthName.timeZone = .gmt
        let view = BusinessDashboard(
            month: Date(timeIntervalSince1970: now).formatted(monthName), dayOfMonth: month.today, daysInMonth: month.days,
            monthlyCost: Self.dollars(totalRate), spent: Self.dollars(lines.reduce(0) { $0 + $1.line.burn.spent }),
            forecast: forecasts.isEmpty ? "too little history" : Self.dollars(forecasts.reduce(0) { $0 + $1.total }),
            budgeted: Self.dollars(lines.compactMap(\.line.profile.budget?.monthly).reduce(0, +)),
            teams: groups { [$0.profile.owner ?? "(no owner)"] }, labels: labels, burns: burns, noLabels: labels.isEmpty, noBudgets: burns.isEmpty,
            unread: unread, hasUnread: !unread.isEmpty)
        return pages.render(.business, title: "Business", view)
    }
}
