import DharmaAutopilot
import DharmaChaos
import DharmaCore
import DharmaEngine
import DharmaInsight
import DharmaMetrics
import DharmaPolicy
import DharmaStore
import Foundation

/// `dharma up`: apply the blueprint, then keep the stack running with the autopilot and collect
/// its replicas' metrics beside it, until asked to stop or the stack is destroyed.
public struct SupervisionService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    public struct Request: Sendable {
        public var blueprint: BlueprintInput
        public var policy: PolicySettings
        /// Seconds between control-loop ticks.
        public var interval: Double
        /// Seconds a fixed symptom must stay away before its incident is resolved.
        public var verifyWindow: Double
        /// Apply once and return instead of supervising.
        public var once: Bool
        /// Time between metrics scrapes (`15s`, `1m`, a bare number of seconds; 0 turns it off).
        public var scrapeInterval: String
        /// `KIND=URL` incident receivers, besides those in `DHARMA_NOTIFY`.
        public var notify: [String]
        /// An OSV feed (else `DHARMA_ADVISORIES`).
        public var advisories: String?
        public var reason: String?

        public init(
            blueprint: BlueprintInput, policy: PolicySettings = PolicySettings(), interval: Double = 1, verifyWindow: Double = 3,
            once: Bool = false, scrapeInterval: String = "15s", notify: [String] = [], advisories: String? = nil, reason: String? = nil
        ) {
            self.blueprint = blueprint
            self.policy = policy
            self.interval = interval
            self.verifyWindow = verifyWindow
            self.once = once
            self.scrapeInterval = scrapeInterval
            self.notify = notify
            self.advisories = advisories
            self.reason = reason
        }
    }

    /// What supervision has to say, in order, for the caller to show.
    public enum Event: Sendable {
        case starting(StackID)
        /// A chaos fault an interrupted experiment left, now removed.
        case removedFault(String)
        case planned(Plan, policy: PolicyReport)
        case progress(ApplyEvent)
        case lock(LockAcquisition)
        case applied(Plan, ApplyReport)
        case supervising(StackID, interval: Double)
        case tick(Autopilot.TickReport)
        case metrics(StackMetricsCollector.Event)
        case warning(String)
        case stopped(StackID)
    }

    public func run(_ request: Request, shouldStop: @escaping @Sendable () -> Bool, events: @escaping @Sendable (Event) -> Void) async throws(ServiceError) {
        try context.authorise(.apply, "supervise stacks")
        let scrapeEvery = try Self.scrapeInterval(request.scrapeInterval)
        let channels = try Self.channels(request.notify, environment: context.environment)
        let feed = request.advisories ?? context.environment["DHARMA_ADVISORIES"].flatMap { $0.isEmpty ? nil : $0 }
        if let feed {
            // Read once now, so a feed that is not OSV JSON stops `up` before anything is applied.
            var advisories = AdvisoryFeed(path: feed)
            do { _ = try advisories.refresh() } catch { throw .invalidInput("--advisories: \(error)") }
        }
        let prepared = try request.blueprint.prepare()
        let location = request.blueprint.location(context)
        let engine = try location.engine(context, audited: true, reason: request.reason)
        // Taken before anything is applied: a second `up` of the stack changes nothing.
        let lease = request.once ? nil : SupervisorLease(stateDirectory: engine.stateDirectory, stack: prepared.stack)
        do { try lease?.acquire(command: "up") } catch { throw .conflict(error.description) }
        defer { lease?.release() }
        events(.starting(prepared.stack))
        for fault in ChaosJournal(stateDirectory: engine.stateDirectory).recover() { events(.removedFault(fault.description)) }
        let (plan, _) = try await StackService.engineCall { () throws(EngineError) in try await engine.plan(prepared) }
        let gate = try StackService.gate(request.policy, for: prepared)
        let report = gate.evaluate(prepared)
        events(.planned(plan, policy: report))
        if let refusal = gate.verdict(report).message { throw .policyViolation(refusal) }
        if plan.hasChanges {
            let applied = try await StackService.engineCall { () throws(EngineError) in
                try await engine.apply(
                    plan, context: engine.context(for: prepared), operation: .reconcile,
                    progress: { events(.progress($0)) }, onLock: { events(.lock($0)) })
            }
            events(.applied(plan, applied))
            guard applied.ok else { throw .failed("the apply did not complete; not supervising") }
        }
        guard !request.once else { return }
        guard let incidents = engine.store as? any IncidentStore else {
            throw .failed("the state store at \(location.databasePath) keeps no incidents; the autopilot needs one")
        }
        events(.supervising(prepared.stack, interval: request.interval))
        let notifier = channels.isEmpty ? nil : IncidentNotifier(channels: channels) { events(.warning($0)) }
        let autopilot = Autopilot(
            engine: engine, incidents: incidents, path: request.blueprint.path, environment: request.blueprint.environment,
            variables: request.blueprint.variables,
            settings: Autopilot.Settings(
                verifyWindow: request.verifyWindow, notifier: notifier, advisories: feed,
                // SLIs come from the proxies' scraped metrics: reading them is worth it once per scrape.
                policy: request.policy, serviceLevelInterval: scrapeEvery > 0 ? max(1, scrapeEvery) : 15))
        let collecting = Task { [stack = prepared.stack, store = engine.store] in
            guard scrapeEvery > 0, let metrics = store as? any MetricsStore else { return }
            let health = SeriesKey(name: "dharma_health_score", labels: ["stack": stack.description])
            await StackMetricsCollector(stack: stack, state: store, metrics: MetricsRepository(store: metrics), interval: max(0.2, scrapeEvery)) {
                await autopilot.health.map { [(health, Double($0.score))] } ?? []
            }.run { events(.metrics($0)) }
        }
        defer { collecting.cancel() }
        await autopilot.run(interval: .milliseconds(Int(max(0.1, request.interval) * 1000)), shouldStop: shouldStop) { events(.tick($0)) }
        await notifier?.drain()
        events(.stopped(prepared.stack))
    }

    static func scrapeInterval(_ text: String) throws(ServiceError) -> Double {
        guard let seconds = Double(text) ?? Units.seconds(.string(text)), seconds >= 0, seconds.isFinite else {
            throw .invalidInput("--scrape-interval \(text): write a duration such as 15s or 1m, or 0")
        }
        return seconds
    }

    static func channels(_ notify: [String], environment: [String: String]) throws(ServiceError) -> [NotificationChannel] {
        let targets = notify + (environment["DHARMA_NOTIFY"] ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
        do {
            return try targets.map { try NotificationChannel.parse($0, environment: environment) }
        } catch {
            throw .invalidInput("--notify \(error)")
        }
    }
}
