import ArgumentParser
import DharmaCore
import DharmaService

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the stack match the blueprint.",
        discussion: """
            On a terminal, shows the plan and asks before changing anything. Without a terminal it needs --auto-approve, or a plan saved by `dharma plan --out`, which is applied exactly or refused as stale when anything changed since. A policy check at or above --fail-on (or the blueprint's policy.failOn) refuses the apply with exit 3.

            Examples:
              dharma apply examples/webapp.yaml
              dharma apply examples/webapp.yaml --auto-approve --parallelism 4
              dharma apply --plan webapp.plan
            """)

    @Argument(help: "The blueprint file (not needed with --plan).", completion: .file(extensions: ["yaml", "yml"]))
    var file: String?

    @OptionGroup var stack: StackOptions
    @OptionGroup var policy: PolicyOptions

    @Option(help: "Apply this saved plan exactly.")
    var plan: String?

    @Flag(help: "Apply without asking.")
    var autoApprove = false

    @Option(help: "Why, for the audit log (default: the command that ran).")
    var reason: String?

    @Option(help: "Resources changed at once.")
    var parallelism = 10

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var remote: RemoteOptions

    @Flag(help: "With --remote: return once the run waits for approval instead of following it to the end.")
    var noWait = false

    func validate() throws {
        if remote.isRemote, plan != nil { throw ValidationError("--remote applies a blueprint file; the server plans it itself") }
        guard (file == nil) != (plan == nil) else { throw ValidationError("name either a blueprint file or a saved plan with --plan FILE") }
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
    }

    func run() async throws {
        try await runReporting {
            if remote.isRemote, let file {
                // The server runs it, gated by its policies, approvals and the stack's protection.
                return try await remote.withService { service in
                    try await RemoteRunOutput.run(
                        .apply, file: file, environment: stack.environment, message: reason, wait: !noWait, json: json, service: service)
                }
            }
            let source: StackService.ApplyRequest.Source =
                if let file { .blueprint(try stack.input(file)) } else { .savedPlan(path: plan ?? "", state: stack.state) }
            let service = StackService(context: .cli)
            let pending = try await service.prepareApply(
                .init(
                    source: source, policy: try policy.settings(), reason: reason, parallelism: parallelism,
                    auditWebhook: stack.auditWebhook))
            if !json {
                print(PlanRenderer(colour: Terminal.colour).text(pending.plan), terminator: "")
                if file != nil, let report = pending.policy { print(PolicySummary.line(report)) }
            }
            try pending.enforce()
            guard pending.hasChanges else {
                if json { print(ApplyOutput.json(plan: pending.plan, report: nil)) }
                return
            }
            // A saved plan was reviewed when it was made; applying it is the decision.
            if file != nil { try Confirmation.require("Apply these changes?", autoApprove: autoApprove, verb: "apply") }
            let report = try await service.apply(pending, progress: ApplyOutput.progress(json: json), onLock: ApplyOutput.lockNotice)
            try ApplyOutput.finish(plan: pending.plan, report: report, json: json)
        }
    }
}
