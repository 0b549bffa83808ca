import DharmaCore
import DharmaCost
import DharmaInsight
import Foundation

/// Prices and carbon: estimates of blueprints and plans, month-end forecasts of actual spend,
/// and the placement optimiser.
public struct CostService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    /// An estimate of a blueprint, with its budget and the catalog's date.
    public struct Estimate: Sendable {
        public var stack: StackID
        public var estimate: CostEstimate
        public var budget: Budget?
        /// When the catalog's prices were read off the providers' pages.
        public var retrieved: String

        /// Exit 2 for a price that could not be worked out (unknown region or instance type),
        /// exit 3 when over budget.
        public func enforce() throws(ServiceError) {
            if !estimate.problems.isEmpty {
                throw .invalidInput(estimate.problems.map(\.message).joined(separator: "\n"))
            }
            if let budget, estimate.total > budget.monthly {
                throw .policyViolation("the estimate \(CostRenderer.money(estimate.total))/month exceeds the budget of \(CostRenderer.money(budget.monthly))")
            }
        }
    }

    public func estimate(_ input: BlueprintInput, usage: String?) throws(ServiceError) -> Estimate {
        try context.authorise(.read, "price stacks")
        let prepared = try input.prepare()
        let catalog = try Self.catalog()
        let (estimate, budget) = try Self.estimate(prepared, usage: try Self.usage(usage), catalog: catalog)
        return Estimate(stack: prepared.stack, estimate: estimate, budget: budget, retrieved: catalog.retrieved)
    }

    /// Where this month's spend is heading, from actual daily spend (CSV `date,cost`).
    public struct SpendForecast: Sendable {
        public var dayOfMonth: Int
        public var forecast: CapacityForecaster.MonthEnd
        public var budget: Budget?

        /// Exit 3 when the month-end forecast crosses the budget.
        public func enforce() throws(ServiceError) {
            guard let budget, forecast.overBudget == true else { return }
            throw .policyViolation("the month-end forecast \(CostRenderer.money(forecast.total)) crosses the budget of \(CostRenderer.money(budget.monthly))")
        }
    }

    public func forecastSpend(_ path: String, budget: Budget?) throws(ServiceError) -> SpendForecast {
        try context.authorise(.read, "forecast spend")
        guard let data = FileManager.default.contents(atPath: path) else { throw .invalidInput("cannot read \(path)") }
        let imported = MetricImport.csv(String(decoding: data, as: UTF8.self), name: "spend", labels: [:])
        if let problem = imported.problems.first { throw .invalidInput("\(path):\(problem.line): \(problem.message)") }
        let days = imported.samples.map(\.1).sorted { $0.time < $1.time }
        guard let last = days.last else { throw .invalidInput("\(path) has no rows") }
        let month = BillingMonth(containing: Double(last.time) / 1000)
        guard
            let forecast = CapacityForecaster.monthEnd(
                daily: days.map(\.value), daysThisMonth: min(month.today, days.count), daysInMonth: month.days,
                budget: budget?.monthly)
        else {
            throw .invalidInput("\(path): not enough days to forecast")
        }
        return SpendForecast(dayOfMonth: month.today, forecast: forecast, budget: budget)
    }

    public enum Objective: String, Sendable, CaseIterable {
        case cost, carbon
    }

    /// The cheapest and greenest place for each resource, and (with `write`) the blueprint
    /// rewritten to the chosen objective's places.
    public struct Optimisation: Sendable {
        public var stack: StackID
        public var advice: [PlacementOptimizer.Advice]
        public var constraints: PlacementConstraints
        /// The resources `write` moved; nil when nothing was written.
        public var moved: Int?
    }

    public func optimize(_ input: BlueprintInput, usage: String?, objective: Objective, write: String?) throws(ServiceError) -> Optimisation {
        try context.authorise(.read, "optimise placements")
        let prepared = try input.prepare()
        let catalog = try Self.catalog()
        let advice: [PlacementOptimizer.Advice]
        let constraints: PlacementConstraints
        do {
            constraints = try PlacementConstraints.of(prepared.blueprint)
            let resources = try StackPricing.resources(of: prepared.blueprint, variables: prepared.variables, usage: try Self.usage(usage))
            advice = PlacementOptimizer(catalog: catalog, constraints: constraints).advise(resources)
        } catch let error as CostError {
            throw .invalidInput(error.message)
        } catch {
            throw ServiceError.from(error)
        }
        var result = Optimisation(stack: prepared.stack, advice: advice, constraints: constraints)
        guard let write else { return result }
        let moves = advice.compactMap { item -> PlacementWriter.Move? in
            let option = objective == .cost ? item.cheapest : item.greenest
            guard option.provider != item.asWritten.provider || option.region != item.asWritten.region else { return nil }
            return PlacementWriter.Move(resource: item.resource, provider: option.provider, region: option.region)
        }
        let text: String
        do { text = try String(contentsOfFile: input.path, encoding: .utf8) } catch {
            throw .invalidInput("cannot read \(input.path): \(error.localizedDescription)")
        }
        let rewritten: String
        do { rewritten = try PlacementWriter.rewrite(text, blueprint: prepared.blueprint, moves: moves) } catch { throw .invalidInput(error.message) }
        do { try rewritten.write(toFile: write, atomically: true, encoding: .utf8) } catch {
            throw .failed("cannot write \(write): \(error.localizedDescription)")
        }
        result.moved = moves.count
        return result
    }

    // MARK: shared with plan

    /// The bundled catalog, read once: it is 190 KB of JSON, and every plan and dashboard prices with it.
    private static let bundledCatalog = try? PriceCatalog.bundled()

    static func catalog() throws(ServiceError) -> PriceCatalog {
        if let bundledCatalog { return bundledCatalog }
        do { return try PriceCatalog.bundled() } catch { throw .failed("the price catalog does not load: \(error)") }
    }

    /// The blueprint's `metadata.budget`, checked against the catalog's currency.
    public static func budget(of blueprint: Blueprint) throws(ServiceError) -> Budget? {
        let catalog = try catalog()
        do { return try Budget.of(blueprint, catalogCurrency: catalog.currency) } catch { throw .invalidInput(error.message) }
    }

    /// A usage file: `{resources: {NAME: {storageGB: 500, egressGB: 100, …}}}`.
    static func usage(_ path: String?) throws(ServiceError) -> [String: Usage] {
        guard let path else { return [:] }
        let loaded = YAMLLoader().load(path: path)
        guard let node = loaded.root else { throw .invalidInput("the usage file is not valid YAML", diagnostics: loaded.diagnostics, source: loaded.source) }
        do { return try Usage.parseFile(node) } catch { throw .invalidInput(error.message) }
    }

    static func estimate(_ prepared: PreparedBlueprint, usage: [String: Usage], catalog: PriceCatalog) throws(ServiceError) -> (CostEstimate, Budget?) {
        do {
            let resources = try StackPricing.resources(of: prepared.blueprint, variables: prepared.variables, usage: usage)
            let budget = try Budget.of(prepared.blueprint, catalogCurrency: catalog.currency)
            return (CostEstimator(catalog: catalog).estimate(resources), budget)
        } catch {
            throw .invalidInput(error.message)
        }
    }

    static func planCost(_ prepared: PreparedBlueprint, recorded: StackState, usage path: String?) throws(ServiceError) -> PlanCost {
        let catalog = try catalog()
        let usage = try usage(path)
        let (after, budget) = try estimate(prepared, usage: usage, catalog: catalog)
        let before = CostEstimator(catalog: catalog).estimate(StackPricing.resources(of: recorded, usage: usage))
        return PlanCost(before: before, after: after, budget: budget)
    }
}
