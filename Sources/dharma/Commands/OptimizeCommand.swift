import ArgumentParser
import DharmaCore
import DharmaCost
import DharmaService

struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Find the cheapest and the greenest place for each resource.",
        discussion: """
            For every priced resource, tries each provider, region and purchase option the blueprint's metadata.placement allows (providers, regions, residency: eu|us|apac, latency: same-region|regional|global) and prints the cheapest and the greenest, the savings against the blueprint as written in dollars and kgCO2e, and for compute a reserved/on-demand/spot mix with its interruption risk.

            Examples:
              dharma optimize examples/aws-3tier.yaml
              dharma optimize examples/aws-3tier.yaml --objective carbon \\
                --write shop.optimized.yaml
            """)

    @OptionGroup var blueprint: BlueprintOptions
    @OptionGroup var cost: CostOptions

    @Option(help: "Which option --write takes: cost or carbon.")
    var objective: String = "cost"

    @Option(help: "Write the blueprint with the chosen placements to this file.")
    var write: String?

    @Flag(help: "Print the advice as JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            guard let objective = CostService.Objective(rawValue: objective) else {
                throw ServiceError.invalidInput("--objective \(self.objective): choose cost or carbon")
            }
            let result = try CostService(context: .cli).optimize(try blueprint.input(), usage: cost.usage, objective: objective, write: write)
            if json {
                print(PlacementRenderer.json(result.advice).jsonText)
            } else {
                print(PlacementRenderer.text(result.advice, title: result.stack.description, constraints: result.constraints), terminator: "")
                if let write, let moved = result.moved {
                    print(
                        "\nWrote \(write) with \(moved) resource\(moved == 1 ? "" : "s") moved (\(objective.rawValue)); purchase options are advice and are not written."
                    )
                }
            }
        }
    }
}
