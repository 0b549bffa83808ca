import ArgumentParser
import DharmaCore
import DharmaCost
import DharmaEngine
import DharmaExport
import DharmaPolicy
import Foundation

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change, attribute by attribute.",
        discussion: """
            Refreshes what is running, then compares blueprint, recorded state and reality. Exits 0 when there is nothing to do and 4 when there are changes.

            Examples:
              dharma plan examples/webapp.yaml
              dharma plan examples/webapp.yaml --env staging --out webapp.plan
              dharma plan examples/webapp.yaml --json
            """)

    @OptionGroup var blueprint: BlueprintOptions
    @OptionGroup var costOptions: CostOptions
    @OptionGroup var policy: PolicyOptions

    @Option(help: "Save the plan; `dharma apply --plan FILE` applies exactly it.")
    var out: String?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            let prepared = try blueprint.prepare()
            let engine = try blueprint.engine()
            let (plan, recorded) = try await engine.plan(prepared)
            let cost = try PlanCost.of(prepared, recorded: recorded, options: costOptions)
            let findings = try BlueprintPolicy.evaluate(prepared, options: policy)
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
                var value = PlanRenderer.jsonValue(plan)
                if case .map(var entries) = value {
                    entries["cost"] = cost.json
                    entries["policy"] = findings.json
                    value = .map(entries)
                }
                print(value.jsonText)
            } else {
                print(PlanRenderer(colour: Terminal.colour).text(plan), terminator: "")
                print(cost.summary)
                print(BlueprintPolicy.summary(findings))
                let exposed = PublicExposure.of(prepared.blueprint)
                if !exposed.isEmpty {
                    print("Public by request: " + exposed.map { "\($0.resource) (\($0.reason))" }.joined(separator: ", "))
                }
                if let out { print("Saved the plan to \(out); apply it with `dharma apply --plan \(out)`.") }
            }
            try BlueprintPolicy.gate(findings, threshold: try policy.threshold(default: nil))
            if let exceeded = cost.budgetExceeded {
                throw CLIFailure(message: exceeded, code: Exit.policyViolation)
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
