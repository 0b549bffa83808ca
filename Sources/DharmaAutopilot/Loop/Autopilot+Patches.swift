import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaPolicy
import Foundation

/// Vulnerable versions: the autopilot moves the blueprint's pinned `version` to the fixing
/// release — by itself for a patch-level fix under `heal: {patch: auto}`, otherwise once a
/// person approves — applies it as a rolling replacement, and puts the old version back when
/// the apply fails or the service crashes or fails its health check before it is verified.
extension Autopilot {
    func patchVulnerable(report: inout TickReport) async throws {
        let waiting = open.filter { $0.value.symptom == .vulnerable && $0.value.phase == .waiting }
        guard !waiting.isEmpty else { return }
        let prepared = try StackEngine.prepare(path: path, environment: environment, variables: variables)
        let holder = try await engine.store.lockHolder(of: prepared.stack)
        for (key, var incident) in waiting.sorted(by: { $0.key < $1.key }) {
            guard let vulnerability = incident.vulnerability, let fix = vulnerability.fixedVersion,
                let spec = prepared.blueprint.resources.first(where: { $0.name == incident.resource })
            else { continue }
            let now = clock()
            let mode = spec.property("heal")?.node["patch"]?.scalar ?? "approve"
            let automatic = mode == "auto" && vulnerability.patchLevel
            if !automatic, incident.approvedBy == nil, let stored = try await book.incident(id: incident.id), stored.approvedBy != nil {
                incident = stored
            }
            if !automatic && incident.approvedBy == nil {
                let why = mode == "auto" ? " (not patch-level, so heal.patch: auto does not cover it)" : ""
                incident.noteOnce(
                    .waiting, "awaiting approval to \(vulnerability.proposal)\(why) — `dharma incident \(incident.id) --approve` applies it", at: now)
            } else if let holder, holder.pid != getpid() {
                incident.noteOnce(.waiting, "waiting: the stack is locked by \(holder); the autopilot does not act while someone else applies", at: now)
            } else if case let verdict = judge(
                prepared, adjusting: [PolicyAdjustment(resource: incident.resource, property: "version", value: .string(fix))],
                report: &report), verdict.isRefused
            {
                try await escalate(&incident, refusedBy: verdict, what: "patch \(incident.resource) to \(fix)", report: &report)
                open[key] = nil
                continue
            } else if let node = spec.property("version")?.node, let written = node.scalar, written == vulnerability.version {
                let file = FileManager.default.fileExists(atPath: node.location.file) ? node.location.file : path
                let edit = BlueprintPatch(file: file, line: node.location.line, column: node.location.column, old: written, new: fix)
                try await patch(&incident, edit: edit, report: &report)
                if !incident.isOpen {
                    open[key] = nil
                    continue
                }
            } else {
                incident.noteOnce(
                    .waiting,
                    "`version` of \(incident.resource) is not written as \(vulnerability.version) in the blueprint; "
                        + "change it to \(fix) by hand", at: now)
            }
            try await book.save(incident)
            open[key] = incident
        }
    }

    private func patch(_ incident: inout Incident, edit: BlueprintPatch, report: inout TickReport) async throws {
        guard var vulnerability = incident.vulnerability else { return }
        let why = incident.approvedBy.map { "approved by \($0)" } ?? "heal.patch: auto, patch-level"
        incident.attempts += 1
        let reason = "incident \(incident.id) (\(why)): \(vulnerability.proposal); \(edit.file):\(edit.line) version \(edit.old) → \(edit.new)"
        let failure: String?
        do {
            try edit.apply()
            failure = try await applyBlueprint(operation: .patch, reason: reason, resource: incident.resource)
        } catch {
            failure = "\(error)"
        }
        if let failure {
            incident.note(.failed, "patch to \(edit.new) failed: \(failure)", at: clock())
            try await rollBack(&incident, edit: edit, because: "the patch to \(edit.new) failed", report: &report)
            return
        }
        vulnerability.edit = edit
        incident.vulnerability = vulnerability
        incident.phase = .verifying
        incident.verifyingSince = clock()
        incident.note(
            .action,
            "patched \(incident.resource) to \(edit.new) (\(why)) in \(edit.file):\(edit.line); verifying that it stays healthy "
                + "for \(Self.seconds(verifyWindow))", at: clock())
        report.lines.append("incident \(incident.id): patched \(incident.resource) \(edit.old) → \(edit.new)")
    }

    /// A patched service that crashes or fails its health check before its patch is verified
    /// gets its old version back.
    func verifyPatches(against symptoms: [Symptom], report: inout TickReport) async throws {
        let verifying = open.filter { $0.value.symptom == .vulnerable && $0.value.phase == .verifying && $0.value.vulnerability?.edit != nil }
        for (key, var incident) in verifying.sorted(by: { $0.key < $1.key }) {
            guard let edit = incident.vulnerability?.edit,
                let trouble = symptoms.first(where: { $0.resource == incident.resource && [.crash, .unhealthy, .missing].contains($0.kind) })
            else { continue }
            incident.note(.failed, "after the patch to \(edit.new): \(trouble.summary)", at: clock())
            try await rollBack(&incident, edit: edit, because: "\(incident.resource) \(trouble.kind.rawValue) after the patch to \(edit.new)", report: &report)
            open[key] = nil
        }
    }

    /// Puts the blueprint's old version back, applies it, and hands the incident to a person.
    private func rollBack(_ incident: inout Incident, edit: BlueprintPatch, because reason: String, report: inout TickReport) async throws {
        var outcome = "rolled back to \(edit.old)"
        do {
            try edit.reversed.apply()
            if let failure = try await applyBlueprint(
                operation: .rollback, reason: "incident \(incident.id): \(reason); back to \(edit.old)",
                resource: incident.resource)
            {
                outcome = "rollback to \(edit.old) failed: \(failure)"
            }
        } catch {
            outcome = "the blueprint could not be put back: \(error)"
        }
        let now = clock()
        try await learn(incident, succeeded: false, at: now)
        incident.status = .escalated
        incident.phase = .closed
        incident.closedAt = now
        incident.note(.resolved, "escalated: \(reason); \(outcome)", at: now)
        try await book.save(incident)
        try await healer.record(
            AuditDraft(
                actor: Self.actor, action: "incident-escalate", stack: incident.stack.description,
                resources: [incident.resource], reason: "incident \(incident.id): \(reason); \(outcome)"))
        notifier?.send(IncidentNotice(.resolved, incident))
        report.problems.append("incident \(incident.id) escalated: \(reason); \(outcome)")
    }

    /// Applies the blueprint as it now reads, as the autopilot; the failure, if any.
    private func applyBlueprint(operation: ApplyOperation, reason: String, resource: String) async throws -> String? {
        let prepared = try StackEngine.prepare(path: path, environment: environment, variables: variables)
        var healer = healer
        healer.reason = reason
        let plan = try await healer.plan(prepared).0
        let applied = try await healer.apply(plan, context: healer.context(for: prepared), operation: operation)
        guard !applied.failed.isEmpty else { return nil }
        return applied.failed.map { "\($0.resource): \($0.message)" }.joined(separator: "; ")
    }
}
