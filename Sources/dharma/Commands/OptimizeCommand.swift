import ArgumentParser
import DharmaCore
import DharmaCost
import Foundation

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

    enum Objective: String, ExpressibleByArgument, CaseIterable {
        case cost, carbon
    }

    @OptionGroup var blueprint: BlueprintOptions
    @OptionGroup var costOptions: CostOptions

    @Option(help: "Which option --write takes: cost or carbon.")
    var objective: Objective = .cost

    @Option(help: "Write the blueprint with the chosen placements to this file.")
    var write: String?

    @Flag(help: "Print the advice as JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            let prepared = try blueprint.prepare()
            let catalog = try CostOptions.catalog()
            let advice: [PlacementOptimizer.Advice]
            let constraints: PlacementConstraints
            do {
                constraints = try PlacementConstraints.of(prepared.blueprint)
                let resources = try StackPricing.resources(of: prepared.blueprint, variables: prepared.variables, usage: costOptions.usageByResource())
                advice = PlacementOptimizer(catalog: catalog, constraints: constraints).advise(resources)
            } catch let error as CostError {
                throw CLIFailure(message: error.message, code: Exit.invalidInput)
            }
            if json {
                print(PlacementRenderer.json(advice).jsonText)
            } else {
                print(PlacementRenderer.text(advice, title: prepared.stack.description, constraints: constraints), terminator: "")
            }
            guard let write else { return }
            let moves = advice.compactMap { item -> PlacementWriter.Move? in
                let option = objective == .cost ? item.cheapest : item.greenest
                guard option.provider != item.asWritten.provider || option.region != item.asWritten.region else { return nil }
                return PlacementWriter.Move(resource: item.resource, provider: option.provider, region: option.region)
            }
            do {
                let text = try String(contentsOfFile: blueprint.file, encoding: .utf8)
                let rewritten = try PlacementWriter.rewrite(text, blueprint: prepared.blueprint, moves: moves)
                try rewritten.write(toFile: write, atomically: true, encoding: .utf8)
            } catch let error as CostError {
                throw CLIFailure(message: error.message, code: Exit.invalidInput)
            } catch {
                throw CLIFailure(message: "cannot write \(write): \(error.localizedDescription)", code: Exit.failure)
            }
            if !json {
                print("\nWrote \(write) with \(moves.count) resource\(moves.count == 1 ? "" : "s") moved (\(objective.rawValue)); purchase options are advice and are not written.")
            }
        }
    }
}
