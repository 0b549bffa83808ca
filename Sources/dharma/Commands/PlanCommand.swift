import ArgumentParser
import DharmaCore
import Foundation

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change, attribute by attribute.",
        discussion: """
            Refreshes what is running, then compares blueprint, recorded state and reality.
            Exits 0 when there is nothing to do and 4 when there are changes.

            Examples:
              dharma plan examples/webapp.yaml
              dharma plan examples/webapp.yaml --env staging --out webapp.plan
              dharma plan examples/webapp.yaml --json
            """)

    @OptionGroup var blueprint: BlueprintOptions

    @Option(help: "Save the plan; `dharma apply --plan FILE` applies exactly it.")
    var out: String?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            let prepared = try blueprint.prepare()
            let engine = try blueprint.engine()
            let (plan, _) = try await engine.plan(prepared)
            if let out {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                do {
                    try encoder.encode(SavedPlan(plan: plan, statePath: blueprint.statePath())).write(to: URL(fileURLWithPath: out))
                } catch {
                    throw CLIFailure(message: "cannot write the plan to \(out): \(error.localizedDescription)", code: Exit.failure)
                }
            }
            if json {
                print(PlanRenderer.jsonValue(plan).jsonText)
            } else {
                print(PlanRenderer(colour: Terminal.colour).text(plan), terminator: "")
                if let out { print("Saved the plan to \(out); apply it with `dharma apply --plan \(out)`.") }
            }
            if plan.hasChanges { throw ExitCode(Exit.changesPresent) }
        }
    }
}

/// A plan file: the plan plus where its state lives.
struct SavedPlan: Codable {
    var plan: Plan
    var statePath: String

    /// Reads a plan file, or ends the command with exit 2 saying it is not one.
    static func load(_ path: String) throws -> SavedPlan {
        do {
            return try JSONDecoder().decode(SavedPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CLIFailure(message: "\(path) is not a plan saved by `dharma plan --out` (\(error.localizedDescription))", code: Exit.invalidInput)
        }
    }
}
