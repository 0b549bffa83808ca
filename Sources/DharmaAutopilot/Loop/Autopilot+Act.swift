import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaPolicy
import DharmaStore
import Foundation

/// Acting on open incidents: back-off, the lock, the plan, the replica restarts, and the
/// immediate outcome of each.
extension Autopilot {
    /// Applies the blueprint's own changes, the remediations whose back-off has passed, and
    /// scale-ins the autoscaler settled on — unless someone else holds the stack lock: the
    /// loop never fights a person applying.
    func act(
        on survey: StackEngine.Survey, findings: SymptomDetector.Findings, readings: [LoadReading],
        prepared: StackEngine.Prepared, report: inout TickReport
    ) async throws {
        // Slow queries and vulnerable versions are acted on by their own steps, which ask for
        // approval; a burning error budget is for people (what burns it has an incident of its own).
        let waiting = open.filter { $0.value.phase == .waiting && ![.slowQuery, .vulnerable, .sloBurn].contains($0.value.symptom) }
        let busy = Set(open.values.map(\.resource)).union(findings.wanted)
        let scaleIns = readings.filter { $0.desired < $0.current && !busy.contains($0.resource) }
        guard !waiting.isEmpty || !findings.wanted.isEmpty || !scaleIns.isEmpty else { return }
        let now = clock()
        if let holder = try await engine.store.lockHolder(of: prepared.stack), holder.pid != getpid() {
            for (key, var incident) in waiting {
                incident.noteOnce(.waiting, "waiting: the stack is locked by \(holder); the autopilot does not act while someone else applies", at: now)
                try await book.save(incident)
                open[key] = incident
            }
            return
        }
        // The blueprint's own changes pass the gate as an apply of them would.
        var wanted = findings.wanted
        if !wanted.isEmpty {
            let verdict = judge(prepared, adjusting: [], report: &report)
            if verdict.isRefused {
                try await refuseReconcile(prepared, verdict: verdict, report: &report)
                wanted = []
            }
        }
        let plan = RemediationPlan(survey: survey, readings: readings)
        var due: [String] = []
        var replicaRestarts: [String] = []
        for (key, var incident) in waiting.sorted(by: { $0.key < $1.key }) {
            let keys = Self.backoffKeys(incident)
            let next = keys.map { backoff.observe($0, at: now) }.max() ?? now
            if next > now {
                let restarts = keys.map { backoff.restarts($0) }.max() ?? 0
                incident.noteOnce(
                    .waiting,
                    "back-off: \(incident.action) \(incident.attempts + 1) waits \(Self.seconds(backoff.delay(afterRestarts: restarts))) "
                        + "after \(restarts) in a row (CrashLoopBackOff)", at: now)
                try await book.save(incident)
                open[key] = incident
            } else if incident.action == .restartReplica {
                replicaRestarts.append(key)
            } else if incident.action == .scaleOut, let reading = readings.first(where: { $0.resource == incident.resource }),
                case let verdict = judge(prepared, adjusting: [Self.replicas(reading.resource, reading.desired)], report: &report),
                verdict.isRefused
            {
                try await escalate(&incident, refusedBy: verdict, what: "scale \(reading.resource) out to \(reading.desired) replicas", report: &report)
                open[key] = nil
            } else if plan.add(incident) {
                due.append(key)
            }
        }
        for reading in scaleIns {
            let verdict = judge(prepared, adjusting: [Self.replicas(reading.resource, reading.desired)], report: &report)
            if verdict.isRefused {
                refuseScaleIn(reading, verdict: verdict, report: &report)
            } else {
                plan.addScaleIn(reading)
            }
        }
        var applied = ApplyReport()
        if let changes = plan.changes(keeping: wanted) {
            if wanted.isEmpty {
                var healer = healer
                healer.reason = (due.compactMap { open[$0] }.map { "incident \($0.id): \($0.action) — \($0.summary)" } + plan.scaleInReasons)
                    .joined(separator: "; ")
                applied = try await healer.apply(changes, context: healer.context(for: prepared), operation: due.isEmpty ? .scaleIn : .remediate)
            } else {
                applied = try await engine.apply(changes, context: engine.context(for: prepared), operation: .reconcile)
                let count = changes.changes.filter { $0.action != .noop }.count
                report.lines.append(
                    "reconciled \(count) change\(count == 1 ? "" : "s")"
                        + (applied.failed.isEmpty ? "" : "; failed: " + applied.failed.map { "\($0.resource): \($0.message)" }.joined(separator: "; ")))
            }
            for reading in scaleIns where applied.succeeded.contains(reading.resource) {
                report.lines.append(
                    "scaled \(reading.resource) in: \(reading.current) → \(reading.desired) replicas (CPU \(Int(reading.utilisation.rounded()))% of \(Int(reading.target))%)"
                )
            }
        }
        for key in replicaRestarts {
            guard let incident = open[key] else { continue }
            var healer = healer
            healer.reason = "incident \(incident.id): restart-replica — \(incident.summary)"
            for replica in incident.affected {
                do {
                    // A leaking replica still serves, so its requests are let finish; a hung one's never will.
                    try await healer.restartReplica(
                        replica, of: incident.resource, drain: incident.symptom != .unhealthy,
                        context: healer.context(for: prepared))
                    applied.succeeded.append(incident.resource)
                } catch {
                    applied.failed.append((incident.resource, "replica \(replica): \(error)"))
                }
            }
        }
        try await settle(due + replicaRestarts, applied: applied, plan: plan, report: &report)
        try await reloadUsers(ofRenewed: due, survey: survey, prepared: prepared, report: &report)
    }

    /// Records each remediation's immediate outcome: failed, or applied and now verifying.
    func settle(_ keys: [String], applied: ApplyReport, plan: RemediationPlan, report: inout TickReport) async throws {
        let done = clock()
        for key in keys {
            guard var incident = open[key] else { continue }
            for backoffKey in Self.backoffKeys(incident) { backoff.restarted(backoffKey, at: done) }
            incident.attempts += 1
            if let failure = applied.failed.first(where: { $0.resource == incident.resource }) {
                incident.note(.failed, "\(incident.action) \(incident.attempts) failed: \(failure.message)", at: done)
                try await learn(incident, succeeded: false, at: done)
                report.problems.append("incident \(incident.id): \(incident.action) of \(incident.resource) failed: \(failure.message)")
            } else if applied.skipped.contains(incident.resource) {
                incident.note(.failed, "\(incident.action) \(incident.attempts) skipped: a resource it depends on failed", at: done)
            } else {
                incident.phase = .verifying
                incident.verifyingSince = done
                let what =
                    incident.action == .restartReplica
                    ? "graceful restart of " + incident.affected.map { "replica \($0)" }.joined(separator: ", ")
                    : plan.describe(incident)
                incident.note(.action, "\(what) applied; verifying for \(Self.seconds(verifyWindow))", at: done)
                report.lines.append("incident \(incident.id): \(incident.action) \(incident.resource) (attempt \(incident.attempts))")
            }
            try await book.save(incident)
            open[key] = incident
        }
    }
}
