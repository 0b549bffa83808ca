import ArgumentParser
import DharmaCore
import DharmaCost
import DharmaService
import Foundation

/// `--usage FILE`: how much resources are used, for usage-priced items.
struct CostOptions: ParsableArguments {
    @Option(help: "YAML usage file: {resources: {NAME: {storageGB: 500, egressGB: 100, requestsPerMonth: 2000000, utilisation: 35%}}}.")
    var usage: String?
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
    @OptionGroup var cost: CostOptions

    @Flag(help: "Print the estimate as JSON.")
    var json = false

    @Option(help: "Daily spend so far (CSV date,cost): forecast this month's total and check it against metadata.budget.")
    var spend: String?

    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await runReporting {
            if remote.isRemote {
                // The server prices the stack's newest blueprint version.
                return try await remote.withService { service in
                    let address = try await service.address(of: blueprint.file, environment: blueprint.stack.environment)
                    let report = try await service.cost(address)
                    if json { return print(RemoteReport.json(report)) }
                    let currency = report["currency"] as? String ?? "USD"
                    print("\(address.organisation)/\(address.reference) on \(service.client.profile.server):")
                    for resource in report["resources"] as? [[String: Any]] ?? [] {
                        let monthly = (resource["monthly"] as? Double).map { String(format: "%.2f", $0) } ?? "unknown"
                        print("  \((resource["name"] as? String ?? "?").padded(24)) \(monthly) \(currency)/month")
                    }
                    print(
                        String(
                            format: "Total: %.2f %@/month, %.2f kg CO2e/month", report["monthly"] as? Double ?? 0, currency,
                            report["carbonKgPerMonth"] as? Double ?? 0))
                    if let budget = report["budget"] as? [String: Any], budget["exceeded"] as? Bool == true {
                        throw ServiceError.policyViolation("the estimate exceeds the budget of \(budget["monthly"] ?? "?") \(currency)/month")
                    }
                }
            }
            let service = CostService(context: .cli)
            let result = try service.estimate(try blueprint.input(), usage: cost.usage)
            if json {
                print(CostRenderer.json(result.estimate, budget: result.budget).jsonText)
            } else {
                print(CostRenderer.text(result.estimate, title: result.stack.description, retrieved: result.retrieved, budget: result.budget), terminator: "")
            }
            if let spend {
                let forecast = try service.forecastSpend(spend, budget: result.budget)
                let month = forecast.forecast
                print(
                    "Spend: \(CostRenderer.money(month.spent)) in the first \(forecast.dayOfMonth) days; month-end forecast \(CostRenderer.money(month.total))"
                        + " (80 % interval \(CostRenderer.money(month.lower)) – \(CostRenderer.money(month.upper)), \(month.model))")
                try forecast.enforce()
            }
            try result.enforce()
        }
    }
}
