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
            """)

    @Argument(help: "A plan saved by `dharma plan --out`.") var plan: String
    @Option(name: .customLong("as"), help: "Your approver name, as listed in the blueprint.") var approver: String
    @Option(help: "Why you approve, for the audit log.") var reason: String?
    @Option(help: "State database (default: the one the plan was made against).") var state: String?

    func run() async throws {
        try await runReporting {
            let approval = try await PlanApprovalService(context: .cli).approve(plan, as: approver, reason: reason, state: state)
            let status = approval.status
            print(
                "\(approver) approved plan \(approval.planHash.prefix(12)) (audit entry #\(approval.entry.seq)); "
                    + "\(status?.approvedBy.count ?? 0) of \(status?.required ?? 0) required approvals"
                    + ((status?.satisfied ?? false) ? " — ready to apply" : "; still missing: \(status?.missing.joined(separator: ", ") ?? "")"))
        }
    }
}
