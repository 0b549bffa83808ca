import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaPolicy

/// The policy gate on what the autopilot changes. A scale, a patch and an index are judged by
/// the stack as they would leave it; a refused remediation is escalated, naming the rules. The
/// blueprint's own changes that `up` reconciles are judged as an apply would be. Restoring what
/// was applied (a restart, a drift reconcile, a recreate, a renewal) changes nothing the gate
/// has not passed, and is not judged again.
extension Autopilot {
    /// The gate for the blueprint as it reads now; nil (nothing refused) when the rules cannot
    /// be loaded, which is reported instead.
    func policyGate(for prepared: StackEngine.Prepared, report: inout TickReport) -> PolicyGate? {
        do {
            return try policy.gate(for: prepared)
        } catch {
            report.problems.append("policy: \(error); remediations that change the stack wait until the rules load")
            return nil
        }
    }

    /// The gate's verdict on the stack with `adjustments` made; a gate that does not load refuses.
    func judge(_ prepared: StackEngine.Prepared, adjusting adjustments: [PolicyAdjustment], report: inout TickReport) -> PolicyVerdict {
        guard let gate = policyGate(for: prepared, report: &report) else {
            return .refused(threshold: .info, blocking: [])
        }
        return gate.verdict(gate.evaluate(prepared, adjusting: adjustments))
    }

    /// Closes an incident whose remediation the gate refused: a person has to decide.
    func escalate(_ incident: inout Incident, refusedBy verdict: PolicyVerdict, what: String, report: inout TickReport) async throws {
        let now = clock()
        let rules = verdict.ruleIDs
        let reason =
            rules.isEmpty
            ? "the policy gate refused to \(what): the policy rules do not load"
            : "the policy gate refused to \(what): \(verdict.message ?? rules.joined(separator: ", "))"
        incident.status = .escalated
        incident.phase = .closed
        incident.closedAt = now
        incident.note(.failed, reason, at: now)
        incident.note(.resolved, "escalated: \(reason)", at: now)
        try await book.save(incident)
        try await healer.record(
            AuditDraft(
                actor: Self.actor, action: "incident-escalate", stack: incident.stack.description,
                resources: [incident.resource], reason: "incident \(incident.id): \(reason)"))
        notifier?.send(IncidentNotice(.resolved, incident))
        report.problems.append("incident \(incident.id) escalated: \(reason)")
    }

    /// Says once per blueprint version that its changes are not reconciled, and records it.
    func refuseReconcile(_ prepared: StackEngine.Prepared, verdict: PolicyVerdict, report: inout TickReport) async throws {
        let reason = "the blueprint's changes are not applied: the policy gate refused them: \(verdict.message ?? "the rules do not load")"
        guard policyRefusalsSaid.insert("reconcile \(prepared.hash)").inserted else { return }
        report.problems.append(reason)
        try await engine.record(
            AuditDraft(
                actor: engine.actor, action: "policy-refusal", stack: prepared.stack.description,
                resources: verdict.ruleIDs, reason: reason))
    }

    /// Says once that a scale-in the autoscaler wants is refused.
    func refuseScaleIn(_ reading: LoadReading, verdict: PolicyVerdict, report: inout TickReport) {
        guard policyRefusalsSaid.insert("scale-in \(reading.resource) \(reading.desired)").inserted else { return }
        report.problems.append(
            "\(reading.resource) stays at \(reading.current) replicas: the policy gate refused a scale-in to \(reading.desired): "
                + (verdict.message ?? "the rules do not load"))
    }

    /// The replica count a scale would leave the service with, in the common model.
    static func replicas(_ resource: String, _ count: Int) -> PolicyAdjustment {
        PolicyAdjustment(resource: resource, property: "replicas", value: .number(Double(count)))
    }
}
