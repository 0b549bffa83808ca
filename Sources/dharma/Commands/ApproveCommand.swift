import ArgumentParser
import DharmaService

struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a saved plan: sign its hash with your key and record it on the audit log.",
        discussion: """
            For blueprints with `approvals: {required: 2, from: [alice, bob, carol]}`, apply refuses a plan until enough of the listed people approved exactly that plan.

            Examples:
              dharma plan shop.yaml --out shop.plan
              dharma approve shop.plan --as alice --reason "reviewed in CHG-42"
              dharma approve shop.plan --as bob
              dharma apply --plan shop.plan

            On a server, a run held by soft-mandatory policy failures (state policy_override) goes on once an approver overrides them:
              dharma approve --remote RUN --override-policy "exception CHG-42, expires with the migration"

            On a server, `--sign` signs the run's plan on this machine with your own keys, which the server verifies (`dharma keys register --remote` once); without it the server signs for you.
            """)

    @Argument(help: "A plan saved by `dharma plan --out` (with --remote: a run's id).") var plan: String
    @Option(name: .customLong("as"), help: "Your approver name, as listed in the blueprint (not with --remote: the server knows you).")
    var approver: String?
    @Option(help: "Why you approve, for the audit log.") var reason: String?
    @Option(help: "State database (default: the one the plan was made against).") var state: String?
    @Option(
        name: .customLong("override-policy"), help: "With --remote: let the run through its soft-mandatory policy failures, for this reason (audited).")
    var overridePolicy: String?
    @Flag(help: "With --remote: sign the run's plan here with your own keys (`dharma keys register --remote` first).") var sign = false
    @Option(help: "With --sign: where your keys are (default: ~/.config/dharma/keys).", completion: .directory) var keys: String?

    @OptionGroup var remote: RemoteOptions

    func validate() throws {
        if remote.isRemote, approver != nil { throw ValidationError("--as does not go with --remote: the server approves as the token's user") }
        if !remote.isRemote, approver == nil { throw ValidationError("name yourself with --as NAME") }
        if !remote.isRemote, overridePolicy != nil { throw ValidationError("--override-policy goes with --remote: locally, waive the rule instead") }
        if overridePolicy?.trimmingCharacters(in: .whitespaces).isEmpty == true { throw ValidationError("--override-policy needs a reason") }
        if sign, !remote.isRemote { throw ValidationError("--sign goes with --remote: locally, approvals are always signed with your keys") }
        if sign, overridePolicy != nil { throw ValidationError("--sign approves a plan; a policy override is not signed") }
    }

    func run() async throws {
        try await runReporting {
            if remote.isRemote {
                return try await remote.withService { service in
                    if let overridePolicy {
                        let run = try await service.overridePolicy(plan, reason: overridePolicy)
                        return print(
                            "overrode the policy failures of run \(run.id) (\(run.policyOverride?.rules.joined(separator: ", ") ?? "")); it plans again")
                    }
                    let run =
                        sign
                        ? try await service.approveSigned(plan, reason: reason, keys: KeysCommand.directory(keys))
                        : try await service.approve(plan, reason: reason)
                    print(
                        run.approvalsMissing?.isEmpty == false
                            ? "approved run \(run.id); still missing: \((run.approvalsMissing ?? []).joined(separator: ", "))"
                            : "approved run \(run.id); it applies now")
                }
            }
            let approver = approver ?? ""
            let approval = try await PlanApprovalService(context: .cli).approve(plan, as: approver, reason: reason, state: state)
            let status = approval.status
            print(
                "\(approver) approved plan \(approval.planHash.prefix(12)) (audit entry #\(approval.entry.seq)); "
                    + "\(status?.approvedBy.count ?? 0) of \(status?.required ?? 0) required approvals"
                    + ((status?.satisfied ?? false) ? " — ready to apply" : "; still missing: \(status?.missing.joined(separator: ", ") ?? "")"))
        }
    }
}
