import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaMetrics
import DharmaPolicy
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
        /// An OSV advisory feed (a file or a directory) to match pinned versions against.
        public var advisories: String?
        /// Team rules, waivers and a threshold over the blueprint's own `policy.failOn`.
        public var policy: PolicySettings
        /// Seconds between readings of the services' SLIs; the metrics they come from are
        /// scraped every 15 s by default, so reading more often finds nothing new.
        public var serviceLevelInterval: Double

        public init(
            verifyWindow: Double = 3, backoff: RestartBackoff = RestartBackoff(), notifier: IncidentNotifier? = nil, advisories: String? = nil,
            policy: PolicySettings = PolicySettings(), serviceLevelInterval: Double = 15
        ) {
            self.verifyWindow = verifyWindow
            self.backoff = backoff
            self.notifier = notifier
            self.advisories = advisories
            self.policy = policy
            self.serviceLevelInterval = serviceLevelInterval
        }
    }

    /// What one tick did, in lines for the terminal.
    public struct TickReport: Sendable, Equatable {
        public var lines: [String] = []
        public var problems: [String] = []
        /// Someone ran `dharma destroy`; supervising on would bring the stack back.
        public var destroyed = false
        /// The stack's health as this tick scored it.
        public var health: HealthScore?

        /// Nothing was done, and nothing went wrong.
        public var isQuiet: Bool { lines.isEmpty && problems.isEmpty && !destroyed }

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
    let policy: PolicySettings
    /// Policy refusals already reported, so each is said once rather than every tick.
    var policyRefusalsSaid: Set<String> = []
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
    var slowQueries = SlowQueryWatch()
    var capacity = CapacityWatch()
    /// Each service's standing against its objectives, as last read, and when.
    public internal(set) var serviceLevels: [ServiceLevelStatus] = []
    var serviceLevelsReadAt = -Double.infinity
    let serviceLevelInterval: Double
    var vulnerabilities: VulnerabilityWatch

    public init(
        engine: StackEngine, incidents: any IncidentStore, path: String, environment: String?, variables: [String: String],
        settings: Settings = Settings(), clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
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
        policy = settings.policy
        serviceLevelInterval = settings.serviceLevelInterval
        vulnerabilities = VulnerabilityWatch(feed: settings.advisories)
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
            if let latest = try? await engine.store.versions(of: prepared.stack).last, latest.operation == .destroy {
                report.destroyed = true
                return report
            }
            let survey = try await engine.survey(prepared)
            let findings = SymptomDetector.examine(survey)
            let readings = load.readings(of: survey.recorded, at: clock())
            let hot = readings.filter { $0.desired > $0.current }.map(Symptom.init(load:))
            let targets = HealthWatch.targets(in: survey.recorded, stateDirectory: engine.stateDirectory)
            let answers = await HealthWatch.probe(targets, timeout: liveness.timeout)
            let unhealthy = liveness.symptoms(targets, answers: answers, in: survey.recorded)
            let leaks = memory.symptoms(in: survey.recorded)
            let slow = await observeSlowQueries(in: survey.recorded)
            let vulnerable = vulnerabilities.symptoms(in: survey.recorded, at: clock())
            if let problem = vulnerable.problem { report.problems.append("advisory feed: \(problem)") }
            let burning = await observeServiceLevels(in: survey.recorded, report: &report)
            let symptoms = findings.symptoms + hot + unhealthy + leaks + slow + vulnerable.symptoms + burning
            trouble.record(symptoms, resources: survey.recorded.resources.keys)
            try await verifyPatches(against: symptoms, report: &report)
            try await track(symptoms, in: survey.recorded, report: &report)
            health = HealthScore.assess(
                symptoms: symptoms, incidents: Array(open.values), traffic: ProxyTraffic.observe(survey.recorded),
                objective: HealthScore.objective(of: prepared.blueprint),
                expiringCertificates: symptoms.filter { $0.kind == .expiring }.map(\.resource),
                forecastRisks: capacity.risks(in: survey.recorded, at: clock()).sorted { $0.key < $1.key }.map(\.value))
            report.health = health
            try await act(on: survey, findings: findings, readings: readings, prepared: prepared, report: &report)
            try await createApprovedIndexes(in: survey.recorded, prepared: prepared, report: &report)
            try await patchVulnerable(report: &report)
            try await verifyIndexes(in: survey.recorded, report: &report)
        } catch {
            report.problems.append("\(error)")
        }
        return report
    }

    /// Ticks every `interval` until `shouldStop` says so or the stack is destroyed.
    public func run(
        interval: Duration, shouldStop: @escaping @Sendable () -> Bool,
        report: @escaping @Sendable (TickReport) -> Void
    ) async {
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

    /// Records how the incident's remediation did, for the stats and the chooser.
    func learn(_ incident: Incident, succeeded: Bool, at time: Double) async throws {
        let outcome = RemediationOutcome(
            stack: incident.stack.description, symptom: incident.symptom, action: incident.action,
            succeeded: succeeded, seconds: incident.duration(now: time), time: time)
        try await book.store.recordOutcome(outcome)
        history.append(outcome)
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f s", value) : "\(Int(value.rounded())) s"
    }
}
