import DharmaCore
import DharmaCost
import DharmaEngine

/// The monthly cost and carbon a plan changes: recorded state before, blueprint after.
struct PlanCost {
    var before: CostEstimate
    var after: CostEstimate
    var budget: Budget?

    static func of(_ prepared: StackEngine.Prepared, recorded: StackState, options: CostOptions) throws -> PlanCost {
        let catalog = try CostOptions.catalog()
        let (after, budget) = try options.estimate(prepared, catalog: catalog)
        let usage = try options.usageByResource()
        let before = CostEstimator(catalog: catalog).estimate(StackPricing.resources(of: recorded, usage: usage))
        return PlanCost(before: before, after: after, budget: budget)
    }

    var delta: Double { after.total - before.total }
    var carbonDelta: Double { after.totalCarbonKg - before.totalCarbonKg }

    var summary: String {
        let sign = delta >= 0 ? "+" : "-"
        var line = "Cost: \(CostRenderer.money(before.total)) → \(CostRenderer.money(after.total)) per month (\(sign)\(CostRenderer.money(abs(delta))))"
            + "; carbon \(CostRenderer.carbon(before.totalCarbonKg)) → \(CostRenderer.carbon(after.totalCarbonKg)) kgCO2e/month"
        let unknown = after.unknown.map(\.name)
        if !unknown.isEmpty { line += "; unknown for \(unknown.joined(separator: ", ")) (see `dharma cost`)" }
        if let budget { line += "; budget \(CostRenderer.money(budget.monthly))" }
        return line
    }

    var budgetExceeded: String? {
        guard let budget, after.total > budget.monthly else { return nil }
        return "the plan costs \(CostRenderer.money(after.total))/month, over the budget of \(CostRenderer.money(budget.monthly)) by \(CostRenderer.money(after.total - budget.monthly))"
    }

    var json: Value {
        var entries: [String: Value] = [
            "currency": .string(after.currency),
            "monthlyBefore": .double(CostRenderer.round2(before.total)), "monthlyAfter": .double(CostRenderer.round2(after.total)),
            "monthlyDelta": .double(CostRenderer.round2(delta)),
            "carbonKgBefore": .double(CostRenderer.round2(before.totalCarbonKg)), "carbonKgAfter": .double(CostRenderer.round2(after.totalCarbonKg)),
            "unknown": .list(after.unknown.map { .string($0.name) }),
        ]
        if let budget { entries["budget"] = .map(["monthly": .double(budget.monthly), "exceeded": .bool(after.total > budget.monthly)]) }
        return .map(entries)
    }
}
