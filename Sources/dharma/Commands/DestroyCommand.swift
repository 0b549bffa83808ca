import ArgumentParser
import DharmaCore

struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Remove everything the stack runs, dependents first.",
        discussion: """
            Examples:
              dharma destroy examples/webapp.yaml
              dharma destroy examples/webapp.yaml --auto-approve
            """)

    @OptionGroup var blueprint: BlueprintOptions

    @Flag(help: "Destroy without asking.")
    var autoApprove = false

    @Option(help: "Why, for the audit log (default: the command that ran).")
    var reason: String?

    @Option(help: "Resources removed at once.")
    var parallelism = 10

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            let prepared = try blueprint.prepare()
            let engine = try blueprint.engine(parallelism: max(1, parallelism), audited: true, reason: reason)
            let plan = try await engine.destroyPlan(prepared)
            if !json { print(PlanRenderer(colour: Terminal.colour).text(plan), terminator: "") }
            guard plan.hasChanges else { return }
            if !autoApprove {
                guard Terminal.isInteractive else {
                    throw CLIFailure(message: "not asking for confirmation without a terminal; pass --auto-approve", code: Exit.invalidInput)
                }
                let answer = Terminal.readLine(prompt: "\nDestroy these resources? Only 'yes' is accepted: ")
                guard answer == "yes" else { throw CLIFailure(message: "destroy cancelled; nothing was changed", code: Exit.failure) }
            }
            let report = try await engine.apply(plan, context: engine.context(for: prepared), operation: "destroy",
                                                progress: ApplyOutput.progress(json: json), onLock: ApplyOutput.lockNotice)
            try ApplyOutput.finish(plan: plan, report: report, json: json)
        }
    }
}
