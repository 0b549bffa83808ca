import DharmaCore
import DharmaCost

/// The monthly cost and carbon a plan changes: recorded state before, blueprint after.
public struct PlanCost: Sendable {
    public var before: CostEstimate
    public var after: CostEstimate
    public var budget: Budget?

    public var delta: Double { after.total - before.total }
    public var carbonDelta: Double { after.totalCarbonKg - before.totalCarbonKg }

    /// The message when the plan costs more than the blueprint's budget allows.
    public var budgetExceeded: String? {
        guard let budget, after.total > budget.monthly else { return nil }
        return
            "the plan costs \(CostRenderer.money(after.total))/month, over the budget of \(CostRenderer.money(budget.monthly)) by \(CostRenderer.money(after.total - budget.monthly))"
    }

    public var json: Value {
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
