import DharmaCore

/// Turns a blueprint, or recorded state, into resources to price.
public enum StackPricing {
    /// The blueprint's resources with variables substituted; usage from the blueprint's
    /// `metadata.usage`, overridden per resource by a usage file.
    public static func resources(
        of blueprint: Blueprint, variables: [String: Value],
        usage file: [String: Usage] = [:]
    ) throws(CostError) -> [PricedResource] {
        var usage = file
        if let declared = blueprint.metadata.extra["usage"] {
            for (name, value) in try Usage.parseFile(declared, at: "\(blueprint.path): metadata.usage") where usage[name] == nil {
                usage[name] = value
            }
        }
        let names = Set(blueprint.resources.map(\.name))
        for name in usage.keys where !names.contains(name) {
            throw CostError("usage for `\(name)`: the blueprint has no such resource" + (Suggestion.hint(for: name, in: names).map { "; \($0)" } ?? ""))
        }
        let evaluator = Evaluator(variables: variables)
        let graph = BlueprintReferences.graph(of: blueprint)
        return blueprint.resources.compactMap { spec in
            guard let type = ResourceCatalog.type(named: spec.type) else { return nil }
            let inputs = PropertyValues.inputs(of: spec, type: type).mapValues { evaluator.evaluate($0, selfType: type) }
            var resource = PricedResource(
                name: spec.name, type: spec.type, provider: spec.provider ?? blueprint.target.provider,
                region: spec.region ?? blueprint.target.region, inputs: inputs, usage: usage[spec.name])
            resource.dependencies = graph.dependencies(of: spec.name)
            return resource
        }
    }

    public static func resources(of state: StackState, usage: [String: Usage] = [:]) -> [PricedResource] {
        state.resources.values.sorted { $0.name < $1.name }.map {
            PricedResource(name: $0.name, type: $0.type, provider: $0.provider, region: $0.region, inputs: $0.inputs, usage: usage[$0.name])
        }
    }
}

/// `metadata.budget: {monthly: 500, currency: USD}`.
public struct Budget: Sendable, Hashable {
    public var monthly: Double
    public var currency: String

    public init(monthly: Double, currency: String) {
        self.monthly = monthly
        self.currency = currency
    }

    public static func of(_ blueprint: Blueprint, catalogCurrency: String) throws(CostError) -> Budget? {
        guard let value = blueprint.metadata.extra["budget"] else { return nil }
        let place = "\(blueprint.path): metadata.budget"
        guard let entries = value.mapValue else { throw CostError("\(place): write it as {monthly: 500, currency: USD}") }
        guard let monthly = entries["monthly"]?.doubleValue, monthly.isFinite, monthly >= 0 else {
            throw CostError("\(place).monthly: expected a non-negative number of \(catalogCurrency) per month")
        }
        let currency = entries["currency"]?.stringValue ?? catalogCurrency
        guard currency == catalogCurrency else {
            throw CostError("\(place).currency: \(currency) is not supported; the price catalog is in \(catalogCurrency)")
        }
        for key in entries.keys where !["monthly", "currency"].contains(key) {
            throw CostError("\(place): unknown key `\(key)`; a budget has `monthly` and `currency`")
        }
        return Budget(monthly: monthly, currency: currency)
    }
}
