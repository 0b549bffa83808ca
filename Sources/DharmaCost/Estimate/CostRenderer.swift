import DharmaCore

/// `dharma cost` output: a table of resources with dollars and kgCO2e, then how each number
/// was reached.
public enum CostRenderer {
    public static func text(_ estimate: CostEstimate, title: String, retrieved: String, budget: Budget?) -> String {
        var rows: [[String]] = [["RESOURCE", "TYPE", "WHERE", "CHOICE", "$/MONTH", "kgCO2e/MONTH"]]
        for cost in estimate.resources {
            rows.append([
                cost.name, cost.type, "\(cost.provider.rawValue) \(cost.region)", cost.choice ?? "",
                cost.monthly.map(money) ?? "unknown", cost.carbonKg.map(carbon) ?? "-",
            ])
        }
        rows.append(["TOTAL", "", "", "", money(estimate.total) + (estimate.unknown.isEmpty ? "" : " + unknown"), carbon(estimate.totalCarbonKg)])
        let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var out = "Monthly cost of \(title) (\(estimate.currency), list prices read \(retrieved))\n\n"
        for (index, row) in rows.enumerated() {
            if index == rows.count - 1 { out += "  " + String(repeating: "-", count: widths.reduce(0, +) + 10) + "\n" }
            let cells = row.enumerated().map { column, cell in
                column >= 4
                    ? String(repeating: " ", count: widths[column] - cell.count) + cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            out += "  " + cells.joined(separator: "  ") + "\n"
        }
        if let budget {
            let over = estimate.total > budget.monthly
            out +=
                "\nBudget: \(money(estimate.total)) of \(money(budget.monthly)) \(budget.currency)/month"
                + (over ? " — over by \(money(estimate.total - budget.monthly))\n" : " — within budget\n")
        }
        if !estimate.notes.isEmpty {
            out += "\nRegional prices\n" + estimate.notes.map { "  · \($0)\n" }.joined()
        }
        let detailed = estimate.resources.filter { !$0.lines.isEmpty || !$0.assumptions.isEmpty || $0.unknownReason != nil }
        if !detailed.isEmpty {
            out += "\nHow each figure was reached\n"
            for cost in detailed {
                out += "  \(cost.name):\n"
                for line in cost.lines { out += "    \(money(line.monthly))  \(line.description)\n" }
                if let reason = cost.unknownReason { out += "    unknown: \(reason)\n" }
                for assumption in cost.assumptions { out += "    · \(assumption)\n" }
                if let reason = cost.carbonUnknownReason, cost.unknownReason == nil { out += "    · carbon unknown: \(reason)\n" }
            }
        }
        return out
    }

    public static func json(_ estimate: CostEstimate, budget: Budget?) -> Value {
        var result: [String: Value] = [
            "currency": .string(estimate.currency),
            "monthly": .double(round2(estimate.total)),
            "carbonKgPerMonth": .double(round2(estimate.totalCarbonKg)),
            "complete": .bool(estimate.unknown.isEmpty),
            "resources": .list(estimate.resources.map(json)),
            "notes": .list(estimate.notes.map(Value.string)),
        ]
        if let budget {
            result["budget"] = .map([
                "monthly": .double(budget.monthly), "currency": .string(budget.currency),
                "exceeded": .bool(estimate.total > budget.monthly),
            ])
        }
        return .map(result)
    }

    public static func json(_ cost: ResourceCost) -> Value {
        var entry: [String: Value] = [
            "name": .string(cost.name), "type": .string(cost.type), "provider": .string(cost.provider.rawValue), "region": .string(cost.region),
            "monthly": cost.monthly.map { .double(round2($0)) } ?? .null,
            "carbonKgPerMonth": cost.carbonKg.map { .double(round2($0)) } ?? .null,
            "energyKwhPerMonth": cost.energyKwh.map { .double(round2($0)) } ?? .null,
            "assumptions": .list(cost.assumptions.map(Value.string)),
            "lines": .list(
                cost.lines.map { .map(["description": .string($0.description), "monthly": .double(round2($0.monthly)), "source": .string($0.source)]) }),
        ]
        if let choice = cost.choice { entry["choice"] = .string(choice) }
        if let reason = cost.unknownReason { entry["unknown"] = .string(reason) }
        if let reason = cost.carbonUnknownReason { entry["carbonUnknown"] = .string(reason) }
        return .map(entry)
    }

    public static func money(_ value: Double) -> String {
        let cents = Int((abs(value) * 100).rounded())
        let sign = value < 0 && cents > 0 ? "-" : ""
        let units = String(cents / 100)
        var grouped = ""
        for (index, character) in units.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let fraction = cents % 100
        return "\(sign)$\(String(grouped.reversed())).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public static func carbon(_ kilograms: Double) -> String {
        let tenths = Int((kilograms * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }

    public static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
