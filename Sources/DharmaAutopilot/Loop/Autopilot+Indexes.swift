import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaPolicy
import DharmaProviders
import Foundation

/// Slow queries: a proposed index is created once approved (or at once under
/// `heal: {indexes: auto}`), verified by the query's mean time falling to under half of what it
/// was, and dropped again when it does not.
extension Autopilot {
    /// Looks at the PostgreSQL servers that are due and returns every slow query known.
    func observeSlowQueries(in recorded: StackState) async -> [Symptom] {
        let handled = Set(open.values.compactMap { $0.phase == .verifying ? $0.slowQuery?.queryID : nil })
        var looks: [SlowQueryWatch.Look] = []
        for (state, threshold) in slowQueries.due(in: recorded, at: clock()) {
            looks.append(
                await SlowQueryWatch.look(
                    at: state, thresholdMilliseconds: threshold, minimumCalls: slowQueries.minimumCalls,
                    skipping: slowQueries.skipped(adding: handled)))
        }
        slowQueries.record(looks)
        return slowQueries.symptoms(in: recorded)
    }

    /// Creates the indexes that may be created now.
    func createApprovedIndexes(in recorded: StackState, prepared: StackEngine.Prepared, report: inout TickReport) async throws {
        let waiting = open.filter { $0.value.symptom == .slowQuery && $0.value.phase == .waiting }
        guard !waiting.isEmpty else { return }
        let holder = try await engine.store.lockHolder(of: recorded.stack)
        for (key, var incident) in waiting.sorted(by: { $0.key < $1.key }) {
            guard let query = incident.slowQuery, let state = recorded.resources[incident.resource], let client = PostgresClient(state) else { continue }
            let now = clock()
            let automatic = state.inputs["heal"]?.mapValue?["indexes"]?.stringValue == "auto"
            // `dharma incident ID --approve` writes the stored incident; the approval is taken from there.
            if !automatic, incident.approvedBy == nil, let stored = try await book.incident(id: incident.id), stored.approvedBy != nil {
                incident = stored
            }
            if !automatic, incident.approvedBy == nil {
                incident.noteOnce(
                    .waiting, "awaiting approval of \(query.proposal.createStatement) — `dharma incident \(incident.id) --approve` applies it", at: now)
            } else if let holder, holder.pid != getpid() {
                incident.noteOnce(.waiting, "waiting: the stack is locked by \(holder); the autopilot does not act while someone else applies", at: now)
            } else if case let verdict = judge(prepared, adjusting: [Self.index(query.proposal, on: incident.resource)], report: &report), verdict.isRefused {
                try await escalate(&incident, refusedBy: verdict, what: "create index \(query.proposal.name) on \(incident.resource)", report: &report)
                slowQueries.handled(incident.resource, rejecting: query.queryID)
                open[key] = nil
                continue
            } else {
                try await createIndex(for: &incident, query: query, client: client, report: &report)
                if !incident.isOpen {
                    open[key] = nil
                    continue
                }
            }
            try await book.save(incident)
            open[key] = incident
        }
    }

    private func createIndex(for incident: inout Incident, query: SlowQuery, client: PostgresClient, report: inout TickReport) async throws {
        let why = incident.approvedBy.map { "approved by \($0)" } ?? "heal.indexes: auto"
        incident.attempts += 1
        do {
            if try await client.execute(query.proposal.invalidQuery) == "t" {
                try await client.execute(query.proposal.dropStatement, timeout: 600)
                incident.note(.action, "dropped the invalid index \(query.proposal.name) an interrupted earlier build left", at: clock())
            }
            try await client.execute(query.proposal.createStatement, timeout: 600)
            // The mean from here on is the index's.
            try await client.resetStatistics(queryID: query.queryID)
        } catch {
            // A concurrent build that fails leaves an invalid index behind.
            _ = try? await client.execute(query.proposal.dropStatement, timeout: 600)
            incident.note(.failed, "create-index failed and was rolled back: \(error)", at: clock())
            try await learn(incident, succeeded: false, at: clock())
            try await escalate(&incident, rejecting: query.queryID, because: "the index could not be created", report: &report)
            return
        }
        let done = clock()
        try await healer.record(
            AuditDraft(
                actor: Self.actor, action: "create-index", stack: incident.stack.description, resources: [incident.resource],
                reason: "incident \(incident.id) (\(why)): \(query.proposal.createStatement) for `\(query.query)`, "
                    + "which averaged \(SlowQuery.milliseconds(query.meanMilliseconds)) over \(query.calls) calls"))
        slowQueries.handled(incident.resource)
        incident.phase = .verifying
        incident.verifyingSince = done
        incident.note(
            .action,
            "created index \(query.proposal.name) (\(why)); verifying: the query's mean must fall under half of "
                + SlowQuery.milliseconds(query.meanMilliseconds), at: done)
        report.lines.append("incident \(incident.id): created index \(query.proposal.name) on \(incident.resource)")
    }

    /// Resolves the incidents whose query now reads through the new index and runs at least
    /// twice as fast; drops the index when the planner does not use it, or when 10 calls are
    /// not faster, and hands the incident to a person. The plan is checked too because a mean
    /// alone is noisy: a query can speed up when the machine quietens down.
    func verifyIndexes(in recorded: StackState, report: inout TickReport) async throws {
        let verifying = open.filter { $0.value.symptom == .slowQuery && $0.value.phase == .verifying }
        for (key, var incident) in verifying.sorted(by: { $0.key < $1.key }) {
            guard let query = incident.slowQuery, let state = recorded.resources[incident.resource], let client = PostgresClient(state),
                let since = try? await client.statement(queryID: query.queryID), since.calls >= 3,
                let plan = try? await client.genericPlan(of: query.query)
            else { continue }
            let now = clock()
            let change = "mean \(SlowQuery.milliseconds(query.meanMilliseconds)) → \(SlowQuery.milliseconds(since.meanMilliseconds)) over \(since.calls) calls"
            let used = IndexAdvisor.usesIndex(query.proposal.name, inPlan: plan)
            if used && since.meanMilliseconds <= query.meanMilliseconds / 2 {
                try await resolve(&incident, key: key, now: now, report: &report, verified: "verified: \(change) with index \(query.proposal.name)")
            } else if !used || since.calls >= 10 {
                let why = used ? "the index did not help (\(change))" : "the planner does not use the index (\(change))"
                _ = try? await client.execute(query.proposal.dropStatement, timeout: 600)
                try await healer.record(
                    AuditDraft(
                        actor: Self.actor, action: "rollback", stack: incident.stack.description, resources: [incident.resource],
                        reason: "incident \(incident.id): \(query.proposal.dropStatement) — \(why)"))
                incident.note(.failed, "\(why); dropped it again", at: now)
                try await learn(incident, succeeded: false, at: now)
                try await escalate(&incident, rejecting: query.queryID, because: "the index did not make the query faster", report: &report)
                open[key] = nil
            }
        }
    }

    /// The database as the index would leave it, in the common model: one more entry in its
    /// `indexes` (a blueprint declares none).
    static func index(_ proposal: IndexProposal, on database: String) -> PolicyAdjustment {
        PolicyAdjustment(
            resource: database, property: "indexes",
            value: .list([
                .map([
                    "name": .string(proposal.name), "schema": .string(proposal.schema), "table": .string(proposal.table),
                    "columns": .list(proposal.columns.map(PolicyValue.string)),
                ])
            ]))
    }

    /// Closes the incident for the autopilot: a person has to look.
    private func escalate(_ incident: inout Incident, rejecting queryID: String, because reason: String, report: inout TickReport) async throws {
        let now = clock()
        incident.status = .escalated
        incident.phase = .closed
        incident.closedAt = now
        incident.note(.resolved, "escalated: \(reason); the autopilot will not propose it again", at: now)
        try await book.save(incident)
        slowQueries.handled(incident.resource, rejecting: queryID)
        try await healer.record(
            AuditDraft(
                actor: Self.actor, action: "incident-escalate", stack: incident.stack.description,
                resources: [incident.resource], reason: "incident \(incident.id): \(reason)"))
        notifier?.send(IncidentNotice(.resolved, incident))
        report.problems.append("incident \(incident.id) escalated: \(reason)")
    }
}
