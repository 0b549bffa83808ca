import ArgumentParser
import DharmaCore
import DharmaAudit
import DharmaEngine
import DharmaPolicy
import Foundation

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the stack match the blueprint.",
        discussion: """
            On a terminal, shows the plan and asks before changing anything. Without a terminal it needs --auto-approve, or a plan saved by `dharma plan --out`, which is applied exactly or refused as stale when anything changed since.

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

    func validate() throws {
        guard (file == nil) != (plan == nil) else { throw ValidationError("name either a blueprint file or a saved plan with --plan FILE") }
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
    }

    func run() async throws {
        try await runReporting {
            guard let file else {
                try await applySaved(plan ?? "")
                return
            }
            let prepared = try stack.prepare(file)
            let engine = try stack.engine(file, parallelism: parallelism, audited: true, reason: reason)
            let (plan, _) = try await engine.plan(prepared)
            let findings = try BlueprintPolicy.evaluate(prepared, options: policy)
            if !json {
                print(PlanRenderer(colour: Terminal.colour).text(plan), terminator: "")
                print(BlueprintPolicy.summary(findings))
            }
            try BlueprintPolicy.gate(findings, threshold: try policy.threshold(default: nil))
            guard plan.hasChanges else {
                if json { print(ApplyOutput.json(plan: plan, report: nil)) }
                return
            }
            try Confirmation.require("Apply these changes?", autoApprove: autoApprove, verb: "apply")
            let report = try await engine.apply(plan, context: engine.context(for: prepared), progress: ApplyOutput.progress(json: json),
                                                onLock: ApplyOutput.lockNotice)
            // Every waiver that let a failing check through is on the record.
            for finding in findings.waived {
                guard let waiver = finding.waiver else { continue }
                try await engine.record(AuditDraft(actor: AuditLog.currentActor, action: "policy-waiver", stack: plan.stack.description,
                                                   resources: [finding.resource.address],
                                                   reason: "\(finding.rule.id) waived: \(waiver.justification) (approved by \(waiver.approver), expires \(waiver.expires))"))
            }
            try ApplyOutput.finish(plan: plan, report: report, json: json)
        }
    }

    private func applySaved(_ path: String) async throws {
        let saved = try SavedPlan.load(path)
        let engine = try StatePaths.engine(at: stack.state ?? saved.statePath, parallelism: parallelism, audited: true, reason: reason,
                                           webhook: stack.auditWebhook)
        let base = (saved.plan.blueprintPath as NSString).deletingLastPathComponent
        let context = DharmaCore.ProviderContext(stack: saved.plan.stack, baseDirectory: base.isEmpty ? "." : base,
                                                 stateDirectory: engine.stateDirectory)
        if !json { print(PlanRenderer(colour: Terminal.colour).text(saved.plan), terminator: "") }
        let report = try await engine.apply(saved.plan, context: context, progress: ApplyOutput.progress(json: json),
                                            onLock: ApplyOutput.lockNotice)
        try ApplyOutput.finish(plan: saved.plan, report: report, json: json)
    }

}

/// Progress lines and the closing summary shared by apply, destroy and up.
enum ApplyOutput {
    static func progress(json: Bool) -> @Sendable (ApplyEvent) -> Void {
        { event in
            guard !json else { return }
            switch event.phase {
            case .started:
                print("\(event.resource): \(verb(event.action, done: false))…")
            case .succeeded(let seconds):
                print("\(event.resource): \(verb(event.action, done: true)) (\(String(format: "%.1f", seconds))s)")
            case .failed(let message):
                Terminal.error("\(event.resource): failed — \(message)")
            }
            fflush(nil)
        }
    }

    static let lockNotice: @Sendable (DharmaStore.LockAcquisition) -> Void = { acquisition in
        if case .brokeStale(let holder) = acquisition {
            Terminal.error("note: broke a stale lock left by \(holder), which is no longer running")
        }
    }

    static func verb(_ action: ChangeAction, done: Bool) -> String {
        switch action {
        case .create: return done ? "created" : "creating"
        case .update: return done ? "updated" : "updating"
        case .replace: return done ? "replaced" : "replacing"
        case .delete: return done ? "destroyed" : "destroying"
        case .noop: return "unchanged"
        }
    }

    static func json(plan: Plan, report: ApplyReport?) -> String {
        var value: [String: Value] = ["plan": PlanRenderer.jsonValue(plan)]
        if let report {
            value["succeeded"] = .list(report.succeeded.map(Value.string))
            value["failed"] = .list(report.failed.map { .map(["resource": .string($0.resource), "message": .string($0.message)]) })
            value["skipped"] = .list(report.skipped.map(Value.string))
            value["outputs"] = .map(report.outputs)
            value["ok"] = .bool(report.ok)
        }
        return Value.map(value).jsonText
    }

    static func finish(plan: Plan, report: ApplyReport, json: Bool) throws {
        if json {
            print(self.json(plan: plan, report: report))
        } else if report.ok {
            print("\nApply complete: \(report.succeeded.count) resource\(report.succeeded.count == 1 ? "" : "s") changed.")
            for (name, value) in report.outputs.sorted(by: { $0.key < $1.key }) { print("  \(name) = \(value.rendered)") }
        } else {
            Terminal.error("\nApply stopped: \(report.succeeded.count) succeeded (recorded), \(report.failed.count) failed, "
                + "\(report.skipped.count) not started. Fix the cause and apply again; it continues from here.")
        }
        if !report.ok { throw ExitCode(Exit.failure) }
    }
}

import DharmaStore
