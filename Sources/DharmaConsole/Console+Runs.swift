import DharmaCore
import DharmaService
import DharmaStore
import Foundation
import Hummingbird

struct RunView {
    struct Change {
        struct Attribute {
            var name: String
            var old: String?
            var new: String?
            var forcesReplacement: Bool
        }
        var resource: String
        var type: String
        var action: String
        /// What the action means, in words and a sign, so colour is never the only cue.
        var label: String
        var sign: String
        var reason: String?
        var attributes: [Attribute]
    }
    var changes: [Change]
    var hasChanges: Bool
    var organisation: String
    var id: String
    var stack: String
    var stackURL: String
    var kind: String
    var state: String
    var actor: String
    var created: String
    var updated: String
    var plan: PlanCounts?
    var monthlyCost: String?
    /// The change the plan makes to the monthly cost and carbon, signed (`+$12.40`).
    var costDelta: String?
    var carbon: String?
    struct Finding {
        var rule: String
        var title: String
        var severity: String
        var resource: String
        var remediation: String
        var waiver: String?
    }
    var findings: [Finding]
    var hasFindings: Bool
    var policyVerdict: String?
    var approvalsMissing: String?
    var decidedBy: String?
    var error: String?
    var log: [String]
    /// While the run moves on by itself, a page without JavaScript reloads itself.
    var live: Bool
    /// While the run can still change, where its page's script follows it (a WebSocket), and
    /// the first log line it has not shown.
    var liveURL: String?
    var after: Int
    var canApprove: Bool
    var canDiscard: Bool
    var canCancel: Bool
    var decisionURL: String
}

/// A run's page, and the decisions a person makes on it.
extension Console {
    func runPage(_ organisation: String, _ id: String) async throws -> Response {
        let (_, runs, session) = try acting()
        let (run, lines) = try await runs.log(of: id, in: organisation, after: -1)
        let scoped = session.principal.scoped(to: organisation)
        let waiting = run.state == .needsApproval || run.state == .policyOverride
        let stack = "\(run.stack.name).\(run.stack.environment)"
        let changes = (try await runs.planChanges(id, in: organisation) ?? []).map(Self.change)
        let view = RunView(
            changes: changes, hasChanges: !changes.isEmpty, organisation: organisation, id: run.id, stack: stack,
            stackURL: "/console/orgs/\(organisation)/stacks/\(stack)", kind: run.kind.rawValue,
            state: run.state.rawValue,
            actor: run.actor, created: Self.time(run.createdAt), updated: Self.time(run.updatedAt), plan: run.plan,
            monthlyCost: run.monthlyCost.map(Self.dollars), costDelta: run.monthlyCostDelta.map { Self.signed($0, Self.dollars) },
            carbon: run.monthlyCarbonKg.map { Self.kilograms($0) + (run.monthlyCarbonDeltaKg.map { " (" + Self.signed($0, Self.kilograms) + ")" } ?? "") },
            findings: (run.policyFindings ?? []).map {
                .init(
                    rule: $0.rule, title: $0.title, severity: $0.severity.rawValue, resource: $0.resource, remediation: $0.remediation,
                    waiver: $0.waiver.map { "waived by \($0.approver) until \($0.expires): \($0.justification)" })
            }, hasFindings: !(run.policyFindings ?? []).isEmpty, policyVerdict: run.policyVerdict,
            approvalsMissing: run.approvalsMissing.isEmpty ? nil : run.approvalsMissing.joined(separator: ", "), decidedBy: run.decidedBy,
            error: run.error, log: lines.map(\.text), live: !run.state.isFinal && !waiting,
            liveURL: run.state.isFinal ? nil : "/console/orgs/\(organisation)/runs/\(run.id)/live", after: (lines.last?.index ?? -1) + 1,
            canApprove: run.state == .needsApproval && scoped.may(.approve), canDiscard: waiting && (scoped.may(.approve) || scoped.may(.apply)),
            canCancel: !run.state.isFinal && !waiting && scoped.may(.apply), decisionURL: "/console/orgs/\(organisation)/runs/\(run.id)")
        return pages.render(.run, title: run.id, view)
    }

    static func change(_ change: ResourceChange) -> RunView.Change {
        let (label, sign) =
            switch change.action {
            case .create: ("will be created", "+")
            case .update: ("will be updated in place", "~")
            case .replace: ("will be replaced", "-/+")
            case .delete: ("will be destroyed", "-")
            case .noop: ("unchanged", " ")
            }
        return RunView.Change(
            resource: change.resource, type: change.type, action: change.action.rawValue, label: label, sign: sign, reason: change.reason,
            attributes: change.diff.map { .init(name: $0.attribute, old: $0.old?.rendered, new: $0.new?.rendered, forcesReplacement: $0.forcesReplacement) })
    }

    /// Approve (signed by the server's approval key for this user), discard or cancel.
    func decide(_ request: Request, _ organisation: String, _ id: String, _ decision: String) async throws -> Response {
        let (_, runs, session) = try acting()
        let reason = session.form["reason"].flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        switch decision {
        case "approve": _ = try await runs.approve(id, in: organisation, reason: reason ?? "approved in the console")
        case "discard": _ = try await runs.discard(id, in: organisation, reason: reason ?? "discarded in the console")
        case "cancel": _ = try await runs.cancel(id, in: organisation)
        default: throw HTTPError(.notFound)
        }
        return Self.redirect(to: "/console/orgs/\(organisation)/runs/\(id)")
    }
}
