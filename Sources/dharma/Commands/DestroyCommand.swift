import ArgumentParser
import DharmaCore
import DharmaService

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

    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await runReporting {
            if remote.isRemote {
                return try await remote.withService { service in
                    try await RemoteRunOutput.run(
                        .destroy, file: blueprint.file, environment: blueprint.stack.environment, message: reason, wait: true, json: json, service: service)
                }
            }
            let service = StackService(context: .cli)
            let pending = try await service.prepareDestroy(
                try blueprint.input(), reason: reason, parallelism: parallelism,
                auditWebhook: blueprint.stack.auditWebhook)
            if !json { print(PlanRenderer(colour: Terminal.colour).text(pending.plan), terminator: "") }
            guard pending.hasChanges else { return }
            try Confirmation.require("Destroy these resources?", autoApprove: autoApprove, verb: "destroy")
            let report = try await service.apply(pending, progress: ApplyOutput.progress(json: json), onLock: ApplyOutput.lockNotice)
            try ApplyOutput.finish(plan: pending.plan, report: report, json: json)
        }
    }
}
