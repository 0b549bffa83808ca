import DharmaAudit
import DharmaCore
import DharmaStore
import Foundation

/// Incident bookkeeping: what each tick's symptoms open, update, verify and resolve.
extension Autopilot {
    /// Picks up incidents left open by an earlier run, with their back-off.
    func loadOpenIncidents(of stack: StackID) async throws {
        guard loadedStack != stack else { return }
        open = [:]
        history = try await book.store.outcomes(stack: nil)
        for incident in try await book.incidents(stack: stack, openOnly: true) {
            let key = Self.key(incident.resource, incident.symptom)
            open[key] = incident
            let lastAction = incident.timeline.last { $0.kind == .action || $0.kind == .failed }?.time
            if incident.attempts > 0, let lastAction {
                for backoffKey in Self.backoffKeys(incident) { backoff.resume(backoffKey, restarts: incident.attempts, lastRestart: lastAction) }
            }
        }
        loadedStack = stack
    }

    /// Opens, updates and resolves incidents from what this tick observed.
    func track(_ symptoms: [Symptom], in recorded: StackState, report: inout TickReport) async throws {
        let stack = recorded.stack
        let now = clock()
        var present: Set<String> = []
        for symptom in symptoms {
            let key = Self.key(symptom.resource, symptom.kind)
            present.insert(key)
            guard var incident = open[key] else {
                let candidates = symptom.kind.remediations
                let action = RemediationChooser.choose(among: candidates, for: symptom.kind, history: history) ?? candidates[0]
                var draft = Incident(stack: stack, symptom: symptom, action: action, openedAt: now)
                draft.suspects = trouble.suspects(for: symptom.resource, in: recorded)
                if draft.suspects.first != symptom.resource {
                    draft.timeline.append(
                        Incident.Event(
                            time: now, kind: .detected,
                            text: "likely root cause: \(draft.suspects.joined(separator: ", then ")) (upstream, in trouble too)"))
                }
                let incident = try await book.open(draft)
                open[key] = incident
                try await healer.record(
                    AuditDraft(
                        actor: Self.actor, action: "incident-open", stack: stack.description,
                        resources: [symptom.resource], reason: "incident \(incident.id): \(symptom.evidence)"))
                notifier?.send(IncidentNotice(.opened, incident))
                report.lines.append("incident \(incident.id) opened (\(incident.severity.rawValue)): \(incident.summary)")
                continue
            }
            // A created index is judged by the query's timings, not by the symptom's absence.
            if incident.symptom == .slowQuery && incident.phase == .verifying { continue }
            if incident.phase == .verifying {
                incident.phase = .waiting
                incident.verifyingSince = nil
                incident.note(.returned, "the symptom came back after \(incident.action): \(symptom.evidence)", at: now)
                try await learn(incident, succeeded: false, at: now)
                report.lines.append("incident \(incident.id): \(incident.action) did not hold; \(symptom.summary)")
            } else if Self.changed(incident, to: symptom) {
                incident.note(.changed, symptom.evidence, at: now)
            } else {
                continue
            }
            incident.summary = symptom.summary
            incident.affected = symptom.affected
            if symptom.kind == .slowQuery { incident.slowQuery = symptom.slowQuery }
            if symptom.kind == .vulnerable { incident.vulnerability = symptom.vulnerability }
            if symptom.kind == .crash { incident.stoppedFromOutside = symptom.stoppedFromOutside }
            if symptom.kind == .sloBurn { incident.burning = symptom.burnAlerts.map(\.name) }
            incident.severity = max(incident.severity, symptom.severity)
            try await book.save(incident)
            open[key] = incident
        }
        for (key, var incident) in open.sorted(by: { $0.key < $1.key }) where !present.contains(key) {
            if incident.symptom == .slowQuery && incident.phase == .verifying { continue }
            if incident.phase != .verifying {
                incident.phase = .verifying
                incident.verifyingSince = now
                incident.note(.verifying, "the symptom is gone; verifying for \(Self.seconds(verifyWindow))", at: now)
                try await book.save(incident)
                open[key] = incident
                continue
            }
            guard let since = incident.verifyingSince, now - since >= verifyWindow else { continue }
            try await resolve(&incident, key: key, now: now, report: &report)
        }
    }

    /// Closes a verified incident; `verified` says how, when it was not by the symptom staying away.
    func resolve(_ incident: inout Incident, key: String, now: Double, report: inout TickReport, verified: String? = nil) async throws {
        incident.status = .resolved
        incident.phase = .closed
        incident.closedAt = now
        let how = incident.attempts == 0 ? "without a remediation" : "after \(incident.action) ×\(incident.attempts)"
        incident.note(
            .resolved,
            (verified ?? "verified: the symptom stayed away for \(Self.seconds(verifyWindow))") + "; resolved \(how), "
                + "\(Self.seconds(incident.duration(now: now))) after it opened", at: now)
        try await book.save(incident)
        open[key] = nil
        if incident.attempts > 0 {
            try await learn(incident, succeeded: true, at: now)
        }
        try await healer.record(
            AuditDraft(
                actor: Self.actor, action: "incident-resolve", stack: incident.stack.description,
                resources: [incident.resource],
                reason: "incident \(incident.id) resolved \(how) in \(Self.seconds(incident.duration(now: now))): \(incident.summary)"))
        notifier?.send(IncidentNotice(.resolved, incident))
        report.lines.append("incident \(incident.id) resolved in \(Self.seconds(incident.duration(now: now))): \(incident.summary)")
    }

    /// Whether a symptom says something new about its open incident: a slow-query incident
    /// changes only when another query is the slowest, a burning budget only when other alerts
    /// fire; timings and burn rates move with every look.
    static func changed(_ incident: Incident, to symptom: Symptom) -> Bool {
        if symptom.kind == .slowQuery { return incident.slowQuery?.queryID != symptom.slowQuery?.queryID }
        if symptom.kind == .sloBurn { return incident.burning != symptom.burnAlerts.map(\.name) }
        return incident.summary != symptom.summary
    }
}
