import DharmaCore

/// `dharma optimize` output.
public enum PlacementRenderer {
    public static func text(_ advice: [PlacementOptimizer.Advice], title: String, constraints: PlacementConstraints) -> String {
        var out = "Placement for \(title) (constraints: \(constraints.summary))\n\n"
        guard !advice.isEmpty else { return out + "  Nothing priced to optimise.\n" }
        var rows: [[String]] = [["RESOURCE", "AS WRITTEN", "CHEAPEST", "GREENEST"]]
        for item in advice {
            rows.append([
                item.resource, describe(item.asWritten, label: "\(item.asWritten.provider.rawValue) \(item.asWritten.region)"),
                describe(item.cheapest.cost, label: item.cheapest.label), describe(item.greenest.cost, label: item.greenest.label),
            ])
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            out += "  " + row.enumerated().map { $1 + String(repeating: " ", count: widths[$0] - $1.count) }.joined(separator: "  ") + "\n"
        }
        let written = advice.compactMap(\.asWritten.monthly).reduce(0, +)
        let writtenCarbon = advice.compactMap(\.asWritten.carbonKg).reduce(0, +)
        for (name, pick) in [("cheapest", \PlacementOptimizer.Advice.cheapest), ("greenest", \PlacementOptimizer.Advice.greenest)] {
            let options = advice.map { $0[keyPath: pick] }
            let monthly = options.compactMap(\.cost.monthly).reduce(0, +)
            let carbon = options.compactMap(\.cost.carbonKg).reduce(0, +)
            out +=
                "\nWith every resource at its \(name) option: \(CostRenderer.money(monthly))/month "
                + "(saves \(CostRenderer.money(written - monthly)), \(percent(written - monthly, of: written))), "
                + "\(CostRenderer.carbon(carbon)) kgCO2e/month (saves \(CostRenderer.carbon(writtenCarbon - carbon)), \(percent(writtenCarbon - carbon, of: writtenCarbon)))"
        }
        out += "\n"
        let mixes = advice.compactMap { item in item.mix.map { (item.resource, $0) } }
        if !mixes.isEmpty {
            out += "\nCompute purchase mix (at the cheapest placement)\n"
            for (name, mix) in mixes {
                out +=
                    "  \(name): \(mix.reserved) reserved 1y + \(mix.onDemand) on-demand + \(mix.spot) spot × \(mix.instance) = "
                    + "\(CostRenderer.money(mix.monthly))/month vs \(CostRenderer.money(mix.onDemandMonthly)) all on-demand; risk: \(mix.risk)\n"
            }
        }
        let noted = advice.filter { !$0.notes.isEmpty }
        if !noted.isEmpty {
            out += "\nNotes\n" + noted.flatMap { item in item.notes.map { "  \(item.resource): \($0)\n" } }.joined()
        }
        return out
    }

    static func describe(_ cost: ResourceCost, label: String) -> String {
        "\(label) \(cost.monthly.map(CostRenderer.money) ?? "unknown") \(cost.carbonKg.map { CostRenderer.carbon($0) + " kg" } ?? "")"
            .trimmingSpacesAtEnd
    }

    static func percent(_ part: Double, of whole: Double) -> String {
        guard whole > 0 else { return "0 %" }
        return "\(Int((part / whole * 100).rounded())) %"
    }

    public static func json(_ advice: [PlacementOptimizer.Advice]) -> Value {
        func option(_ option: PlacementOptimizer.Option) -> Value {
            .map([
                "provider": .string(option.provider.rawValue), "region": .string(option.region),
                "purchase": option.purchase.map { .string($0.rawValue) } ?? .null,
                "choice": option.cost.choice.map(Value.string) ?? .null,
                "monthly": option.cost.monthly.map { .double(CostRenderer.round2($0)) } ?? .null,
                "carbonKgPerMonth": option.cost.carbonKg.map { .double(CostRenderer.round2($0)) } ?? .null,
            ])
        }
        return .map([
            "resources": .list(
                advice.map { item in
                    var entry: [String: Value] = [
                        "name": .string(item.resource), "type": .string(item.type), "considered": .int(item.considered),
                        "asWritten": option(.init(provider: item.asWritten.provider, region: item.asWritten.region, purchase: nil, cost: item.asWritten)),
                        "cheapest": option(item.cheapest), "greenest": option(item.greenest),
                        "notes": .list(item.notes.map(Value.string)),
                    ]
                    if let mix = item.mix {
                        entry["purchaseMix"] = .map([
                            "instance": .string(mix.instance), "reserved": .int(mix.reserved), "onDemand": .int(mix.onDemand),
                            "spot": .int(mix.spot), "monthly": .double(CostRenderer.round2(mix.monthly)),
                            "onDemandMonthly": .double(CostRenderer.round2(mix.onDemandMonthly)), "risk": .string(mix.risk),
                        ])
                    }
                    return .map(entry)
                })
        ])
    }
}

extension String {
    var trimmingSpacesAtEnd: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
