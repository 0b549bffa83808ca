import ArgumentParser
import DharmaCore
import DharmaCost
import DharmaEngine
import DharmaInsight
import Foundation

/// `--usage FILE`: how much resources are used, for usage-priced items.
struct CostOptions: ParsableArguments {
    @Option(help: "YAML usage file: {resources: {NAME: {storageGB: 500, egressGB: 100, requestsPerMonth: 2000000, utilisation: 35%}}}.")
    var usage: String?

    func usageByResource() throws -> [String: Usage] {
        guard let usage else { return [:] }
        let loaded = YAMLLoader().load(path: usage)
        guard let node = loaded.root else {
            throw CLIFailure(message: "the usage file is not valid YAML", code: Exit.invalidInput, diagnostics: loaded.diagnostics, source: loaded.source)
        }
        do {
            return try Usage.parseFile(node)
        } catch {
            throw CLIFailure(message: error.message, code: Exit.invalidInput)
        }
    }

    static func catalog() throws -> PriceCatalog {
        do { return try PriceCatalog.bundled() } catch { throw CLIFailure(message: "\(error)", code: Exit.failure) }
    }

    /// The blueprint's estimate and budget, or exit 2 naming the bad input.
    func estimate(_ prepared: StackEngine.Prepared, catalog: PriceCatalog) throws -> (CostEstimate, Budget?) {
        do {
            let resources = try StackPricing.resources(of: prepared.blueprint, variables: prepared.variables, usage: usageByResource())
            let budget = try Budget.of(prepared.blueprint, catalogCurrency: catalog.currency)
            return (CostEstimator(catalog: catalog).estimate(resources), budget)
        } catch let error as CostError {
            throw CLIFailure(message: error.message, code: Exit.invalidInput)
        }
    }
}

struct CostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "Estimate the monthly cost and carbon of a blueprint.",
        discussion: """
            Prices every resource from Dharma's catalog of public list prices (each line names its source), chooses the cheapest instance type that fits abstract cpu/memory, and spells out every assumption. Carbon follows Cloud Carbon Footprint's method. A price the catalog does not have is shown as unknown, with the reason. Exits 2 on an unknown region or instance type, 3 when over metadata.budget.

            Examples:
              dharma cost examples/aws-3tier.yaml
              dharma cost examples/aws-3tier.yaml --usage usage.yaml --json
            """)

    @OptionGroup var blueprint: BlueprintOptions
    @OptionGroup var costOptions: CostOptions

    @Flag(help: "Print the estimate as JSON.")
    var json = false

    @Option(help: "Daily spend so far (CSV date,cost): forecast this month's total and check it against metadata.budget.")
    var spend: String?

    func run() async throws {
        try await runReporting {
            let prepared = try blueprint.prepare()
            let catalog = try CostOptions.catalog()
            let (estimate, budget) = try costOptions.estimate(prepared, catalog: catalog)
            if json {
                print(CostRenderer.json(estimate, budget: budget).jsonText)
            } else {
                print(CostRenderer.text(estimate, title: prepared.stack.description, retrieved: catalog.retrieved, budget: budget), terminator: "")
            }
            if let spend {
                try forecastSpend(spend, budget: budget)
            }
            if let problem = estimate.problems.first {
                throw CLIFailure(message: estimate.problems.count == 1 ? problem.message : estimate.problems.map(\.message).joined(separator: "\n"),
                                 code: Exit.invalidInput)
            }
            if let budget, estimate.total > budget.monthly {
                throw CLIFailure(message: "the estimate \(CostRenderer.money(estimate.total))/month exceeds the budget of \(CostRenderer.money(budget.monthly))",
                                 code: Exit.policyViolation)
            }
        }
    }

    /// The month-end forecast from actual daily spend; exit 3 when it crosses the budget.
    func forecastSpend(_ path: String, budget: Budget?) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure(message: "cannot read \(path)", code: Exit.invalidInput) }
        let imported = MetricImport.csv(String(decoding: data, as: UTF8.self), name: "spend", labels: [:])
        if let problem = imported.problems.first { throw CLIFailure(message: "\(path):\(problem.line): \(problem.message)", code: Exit.invalidInput) }
        let days = imported.samples.map(\.1).sorted { $0.time < $1.time }
        guard let last = days.last else { throw CLIFailure(message: "\(path) has no rows", code: Exit.invalidInput) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let date = Date(timeIntervalSince1970: Double(last.time) / 1000)
        let day = calendar.component(.day, from: date)
        let length = calendar.range(of: .day, in: .month, for: date)?.count ?? 30
        guard let forecast = CapacityForecaster.monthEnd(daily: days.map(\.value), daysThisMonth: min(day, days.count), daysInMonth: length,
                                                         budget: budget?.monthly) else {
            throw CLIFailure(message: "\(path): not enough days to forecast", code: Exit.invalidInput)
        }
        print("Spend: \(CostRenderer.money(forecast.spent)) in the first \(day) days; month-end forecast \(CostRenderer.money(forecast.total))"
            + " (80 % interval \(CostRenderer.money(forecast.lower)) – \(CostRenderer.money(forecast.upper)), \(forecast.model))")
        if let budget, forecast.overBudget == true {
            throw CLIFailure(message: "the month-end forecast \(CostRenderer.money(forecast.total)) crosses the budget of \(CostRenderer.money(budget.monthly))",
                             code: Exit.policyViolation)
        }
    }
}
