import ArgumentParser
import DharmaCore
import DharmaService

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
    @OptionGroup var cost: CostOptions
    @OptionGroup var policy: PolicyOptions

    @Option(help: "Save the plan; `dharma apply --plan FILE` applies exactly it.")
    var out: String?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await runReporting {
            if remote.isRemote {
                // A speculative run on the server: planned, checked and priced, never applied.
                return try await remote.withService { service in
                    try await RemoteRunOutput.run(
                        .planOnly, file: blueprint.file, environment: blueprint.stack.environment, message: nil, wait: true, json: json, service: service)
                }
            }
            let outcome = try await StackService(context: .cli).plan(
                .init(
                    blueprint: try blueprint.input(), policy: try policy.settings(),
                    usage: cost.usage, saveTo: out))
            if json {
                print(outcome.json.jsonText)
            } else {
                print(PlanRenderer(colour: Terminal.colour).text(outcome.plan), terminator: "")
                print(outcome.cost.summary)
                print(PolicySummary.line(outcome.policy))
                if !outcome.exposed.isEmpty {
                    print("Public by request: " + outcome.exposed.map { "\($0.resource) (\($0.reason))" }.joined(separator: ", "))
                }
                if let out { print("Saved the plan to \(out); apply it with `dharma apply --plan \(out)`.") }
            }
            try outcome.enforce()
            if outcome.plan.hasChanges { throw ExitCode(Exit.changesPresent) }
        }
    }
}
