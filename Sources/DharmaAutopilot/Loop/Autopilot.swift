import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaProviders
import DharmaStore
import Foundation

/// The control loop `dharma up` runs. Level-triggered and idempotent, like a Kubernetes
/// controller: every tick it observes the stack, turns what is wrong into incidents, applies a
/// remediation when its back-off allows, verifies that the symptom stays away, and closes the
/// incident with its timeline. Changes saved to the blueprint are applied as they are.
/// Every step lands in the audit log, the autopilot's own under the actor `autopilot`.
public actor Autopilot {
    public struct Settings: Sendable {
        /// How long a fixed symptom must stay away before its incident is resolved.
        public var verifyWindow: Double
        public var backoff: RestartBackoff
        /// Told when incidents open and resolve.
        public var notifier: IncidentNotifier?

        public init(verifyWindow: Double = 3, backoff: RestartBackoff = RestartBackoff(), notifier: IncidentNotifier? = nil) {
            self.verifyWindow = verifyWindow
            self.backoff = backoff
            self.notifier = notifier
        }
    }

    /// What one tick did, in lines for the terminal.
    public struct TickReport: Sendable, Equatable {
        public var lines: [String] = []
        public var problems: [String] = []
        /// Someone ran `dharma destroy`; supervising on would bring the stack back.
        public var destroyed = false

        public init(lines: [String] = [], problems: [String] = [], destroyed: Bool = false) {
            self.lines = lines
            self.problems = problems
            self.destroyed = destroyed
        }
    }

    public static let actor = "autopilot"

    /// Applies blueprint changes, as whoever runs `dharma up`.
    let engine: StackEngine
    /// Applies remediations and records incidents, as `autopilot`.
    let healer: StackEngine
    let book: IncidentBook
    let path: String
    let environment: String?
    let variables: [String: String]
    let verifyWindow: Double
    let notifier: IncidentNotifier?
    let clock: @Sendable () -> Double
    var backoff: RestartBackoff
    /// Open incidents by `resource/symptom`.
    var open: [String: Incident] = [:]
    var loadedStack: StackID?
    /// Every remediation outcome so far, for choosing among remediations.
    var history: [RemediationOutcome] = []
    var load = LoadWatch()
    var liveness = HealthWatch()
    var memory = MemoryWatch()
    var trouble = TroubleHistory()

    public init(engine: StackEngine, incidents: any IncidentStore, path: String, environment: String?, variables: [String: String],
                settings: Settings = Settings(), clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.engine = engine
        var healer = engine
        healer.actor = Self.actor
        self.healer = healer
        book = IncidentBook(store: incidents)
        self.path = path
        self.environment = environment
        self.variables = variables
        verifyWindow = settings.verifyWindow
        backoff = settings.backoff
        notifier = settings.notifier
        self.clock = clock
    }

    /// One pass of observe → detect → track → act.
    public func tick() async -> TickReport {
        var report = TickReport()
        ProcessTable.reapExitedChildren()
        let prepared: StackEngine.Prepared
        do {
            prepared = try StackEngine.prepare(path: path, environment: environment, variables: variables)
        } catch {
            report.problems.append("the blueprint is not valid right now (\(error)); keeping the stack as it is")
            return report
        }
        do {
            try await loadOpenIncidents(of: prepared.stack)
            if let latest = try? await engine.store.versions(of: prepared.stack).last, latest.summary.hasPrefix("destroy:") {
                report.destroyed = true
                return report
            }
            let survey = try await engine.survey(prepared)
            let findings = SymptomDetector.examine(survey)
            let readings = load.readings(of: survey.recorded, at: clock())
            let hot = readings.filter { $0.desired > $0.current }.map(Symptom.init(load:))
            let targets = HealthWatch.targets(in: survey.recorded)
            let answers = await HealthWatch.probe(targets, timeout: liveness.timeout)
            let unhealthy = liveness.symptoms(targets, answers: answers, in: survey.recorded)
            let leaks = memory.symptoms(in: survey.recorded)
            let symptoms = findings.symptoms + hot + unhealthy + leaks
            trouble.record(symptoms, resources: survey.recorded.resources.keys)
            try await track(symptoms, in: survey.recorded, report: &report)
            health = HealthScore.assess(symptoms: symptoms, incidents: Array(open.values), traffic: ProxyTraffic.observe(survey.recorded),
                                        objective: HealthScore.objective(of: prepared.blueprint))
            try await act(on: survey, findings: findings, readings: readings, prepared: prepared, report: &report)
        } catch {
            report.problems.append("\(error)")
        }
        return report
    }

    /// Ticks every `interval` until `shouldStop` says so or the stack is destroyed.
    public func run(interval: Duration, shouldStop: @escaping @Sendable () -> Bool,
                    report: @escaping @Sendable (TickReport) -> Void) async {
        while !shouldStop() {
            let outcome = await tick()
            report(outcome)
            if outcome.destroyed { return }
            let deadline = ContinuousClock.now + interval
            while !shouldStop(), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    public var openIncidents: [Incident] { open.values.sorted { $0.id < $1.id } }

    /// The stack's health as of the last tick.
    public private(set) var health: HealthScore?

    static func key(_ resource: String, _ kind: Symptom.Kind) -> String { "\(resource)/\(kind.rawValue)" }

    /// What a remediation's back-off counts. A replica that crashes by itself counts per
    /// replica, as the kubelet counts per container: its restarts add up until it has run 10
    /// minutes. A replica stopped from outside (like a deleted pod), and the graceful restart of
    /// a hung or leaking one, count only the retries of one incident: a fix that did not hold is
    /// retried with back-off, the next incident starts afresh. Other remediations count per
    /// resource and symptom.
    static func backoffKeys(_ incident: Incident) -> [String] {
        switch incident.symptom {
        case .crash where incident.stoppedFromOutside != true && !incident.affected.isEmpty:
            return incident.affected.map { "\(incident.resource)#\($0)" }
        case .crash, .unhealthy, .memory:
            return ["incident \(incident.id)"]
        default:
            return [key(incident.resource, incident.symptom)]
        }
    }

    /// Picks up incidents left open by an earlier run, with their back-off.
    private func loadOpenIncidents(of stack: StackID) async throws {
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
    private func track(_ symptoms: [Symptom], in recorded: StackState, report: inout TickReport) async throws {
        let stack = recorded.stack
        let now = clock()
        var present: Set<String> = []
        for symptom in symptoms {
            let key = Self.key(symptom.resource, symptom.kind)
            present.insert(key)
            guard var incident = open[key] else {
                let action = RemediationChooser.choose(among: symptom.kind.remediations, for: symptom.kind.rawValue, history: history)
                    ?? symptom.kind.rawValue
                var draft = Incident(stack: stack, symptom: symptom, action: action, openedAt: now)
                draft.suspects = trouble.suspects(for: symptom.resource, in: recorded)
                if draft.suspects.first != symptom.resource {
                    draft.timeline.append(Incident.Event(time: now, kind: .detected,
                                                         text: "likely root cause: \(draft.suspects.joined(separator: ", then ")) (upstream, in trouble too)"))
                }
                let incident = try await book.open(draft)
                open[key] = incident
                try await healer.record(AuditDraft(actor: Self.actor, action: "incident-open", stack: stack.description,
                                                   resources: [symptom.resource], reason: "incident \(incident.id): \(symptom.evidence)"))
                notifier?.send(IncidentNotice(.opened, incident))
                report.lines.append("incident \(incident.id) opened (\(incident.severity.rawValue)): \(incident.summary)")
                continue
            }
            if incident.phase == .verifying {
                incident.phase = .waiting
                incident.verifyingSince = nil
                incident.note(.returned, "the symptom came back after \(incident.action): \(symptom.evidence)", at: now)
                try await learn(incident, succeeded: false, at: now)
                report.lines.append("incident \(incident.id): \(incident.action) did not hold; \(symptom.summary)")
            } else if incident.summary != symptom.summary {
                incident.note(.changed, symptom.evidence, at: now)
            } else {
                continue
            }
            incident.summary = symptom.summary
            incident.affected = symptom.affected
            if symptom.kind == .crash { incident.stoppedFromOutside = symptom.stoppedFromOutside }
            incident.severity = max(incident.severity, symptom.severity)
            try await book.save(incident)
            open[key] = incident
        }
        for (key, var incident) in open.sorted(by: { $0.key < $1.key }) where !present.contains(key) {
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

    private func resolve(_ incident: inout Incident, key: String, now: Double, report: inout TickReport) async throws {
        incident.status = .resolved
        incident.phase = .closed
        incident.closedAt = now
        let how = incident.attempts == 0 ? "without a remediation" : "after \(incident.action) ×\(incident.attempts)"
        incident.note(.resolved, "verified: the symptom stayed away for \(Self.seconds(verifyWindow)); resolved \(how), "
            + "\(Self.seconds(incident.duration(now: now))) after it opened", at: now)
        try await book.save(incident)
        open[key] = nil
        if incident.attempts > 0 {
            try await learn(incident, succeeded: true, at: now)
        }
        try await healer.record(AuditDraft(actor: Self.actor, action: "incident-resolve", stack: incident.stack.description,
                                           resources: [incident.resource],
                                           reason: "incident \(incident.id) resolved \(how) in \(Self.seconds(incident.duration(now: now))): \(incident.summary)"))
        notifier?.send(IncidentNotice(.resolved, incident))
        report.lines.append("incident \(incident.id) resolved in \(Self.seconds(incident.duration(now: now))): \(incident.summary)")
    }

    /// Applies the blueprint's own changes, the remediations whose back-off has passed, and
    /// scale-ins the autoscaler settled on — unless someone else holds the stack lock: the
    /// loop never fights a person applying.
    private func act(on survey: StackEngine.Survey, findings: SymptomDetector.Findings, readings: [LoadReading],
                     prepared: StackEngine.Prepared, report: inout TickReport) async throws {
        let waiting = open.filter { $0.value.phase == .waiting }
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
        let plan = RemediationPlan(survey: survey, readings: readings)
        var due: [String] = []
        var replicaRestarts: [String] = []
        for (key, var incident) in waiting.sorted(by: { $0.key < $1.key }) {
            let keys = Self.backoffKeys(incident)
            let next = keys.map { backoff.observe($0, at: now) }.max() ?? now
            if next > now {
                let restarts = keys.map { backoff.restarts($0) }.max() ?? 0
                incident.noteOnce(.waiting, "back-off: \(incident.action) \(incident.attempts + 1) waits \(Self.seconds(backoff.delay(afterRestarts: restarts))) "
                    + "after \(restarts) in a row (CrashLoopBackOff)", at: now)
                try await book.save(incident)
                open[key] = incident
            } else if incident.action == "restart-replica" {
                replicaRestarts.append(key)
            } else if plan.add(incident) {
                due.append(key)
            }
        }
        for reading in scaleIns { plan.addScaleIn(reading) }
        var applied = ApplyReport()
        if let changes = plan.changes(keeping: findings.wanted) {
            if findings.wanted.isEmpty {
                var healer = healer
                healer.reason = (due.compactMap { open[$0] }.map { "incident \($0.id): \($0.action) — \($0.summary)" } + plan.scaleInReasons)
                    .joined(separator: "; ")
                applied = try await healer.apply(changes, context: healer.context(for: prepared), operation: due.isEmpty ? "scale-in" : "remediate")
            } else {
                applied = try await engine.apply(changes, context: engine.context(for: prepared), operation: "up")
                let count = changes.changes.filter { $0.action != .noop }.count
                report.lines.append("reconciled \(count) change\(count == 1 ? "" : "s")"
                    + (applied.failed.isEmpty ? "" : "; failed: " + applied.failed.map { "\($0.resource): \($0.message)" }.joined(separator: "; ")))
            }
            for reading in scaleIns where applied.succeeded.contains(reading.resource) {
                report.lines.append("scaled \(reading.resource) in: \(reading.current) → \(reading.desired) replicas (CPU \(Int(reading.utilisation.rounded()))% of \(Int(reading.target))%)")
            }
        }
        for key in replicaRestarts {
            guard let incident = open[key] else { continue }
            var healer = healer
            healer.reason = "incident \(incident.id): restart-replica — \(incident.summary)"
            for replica in incident.affected {
                do {
                    // A leaking replica still serves, so its requests are let finish; a hung one's never will.
                    try await healer.restartReplica(replica, of: incident.resource, drain: incident.symptom != .unhealthy,
                                                    context: healer.context(for: prepared))
                    applied.succeeded.append(incident.resource)
                } catch {
                    applied.failed.append((incident.resource, "replica \(replica): \(error)"))
                }
            }
        }
        try await settle(due + replicaRestarts, applied: applied, plan: plan, report: &report)
    }

    /// Records each remediation's immediate outcome: failed, or applied and now verifying.
    private func settle(_ keys: [String], applied: ApplyReport, plan: RemediationPlan, report: inout TickReport) async throws {
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
                let what = incident.action == "restart-replica"
                    ? "graceful restart of " + incident.affected.map { "replica \($0)" }.joined(separator: ", ")
                    : plan.describe(incident)
                incident.note(.action, "\(what) applied; verifying for \(Self.seconds(verifyWindow))", at: done)
                report.lines.append("incident \(incident.id): \(incident.action) \(incident.resource) (attempt \(incident.attempts))")
            }
            try await book.save(incident)
            open[key] = incident
        }
    }

    /// Records how the incident's remediation did, for the stats and the chooser.
    private func learn(_ incident: Incident, succeeded: Bool, at time: Double) async throws {
        let outcome = RemediationOutcome(stack: incident.stack.description, symptom: incident.symptom.rawValue, action: incident.action,
                                         succeeded: succeeded, seconds: incident.duration(now: time), time: time)
        try await book.store.recordOutcome(outcome)
        history.append(outcome)
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f s", value) : "\(Int(value.rounded())) s"
    }
}
