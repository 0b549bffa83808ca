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
            try Confirmation.require("Destroy these resources?", autoApprove: autoApprove, verb: "destroy")
            let report = try await engine.apply(plan, context: engine.context(for: prepared), operation: .destroy,
                                                progress: ApplyOutput.progress(json: json), onLock: ApplyOutput.lockNotice)
            try ApplyOutput.finish(plan: plan, report: report, json: json)
        }
    }
}
