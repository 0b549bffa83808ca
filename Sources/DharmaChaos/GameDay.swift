import DharmaAudit
import DharmaAutopilot
import DharmaCore
import DharmaEngine
import DharmaInsight
import DharmaNet
import DharmaStore
import Foundation

/// `dharma chaos gameday`: the proof. With the stack up and the autopilot running, inject
/// random faults one after another — each once the stack is steady again — and measure what
/// healed without a human, how fast, how many client requests failed meanwhile (a load
/// generator runs throughout), whether the incidents named the faulted resource, and whether
/// the audit log still verifies at the end.
public struct GameDay: Sendable {
    public struct Settings: Sendable {
        public var faults: Int
        public var seed: UInt64
        /// How long one fault may take to heal before it counts as not healed.
        public var deadline: Double = 90
        public var tick: Duration = .seconds(1)

        public init(faults: Int, seed: UInt64) {
            self.faults = faults
            self.seed = seed
        }
    }

    public struct Outcome: Sendable, Codable {
        public var index: Int
        public var kind: String
        public var resource: String
        public var description: String
        public var healed: Bool
        /// From injection until service was restored: the fix in place and healthy from then on,
        /// as the verification window that followed confirmed.
        public var recoverySeconds: Double?
        /// From injection until every incident it caused was verified and closed.
        public var resolvedSeconds: Double?
        public var incidents: [Int]
        /// The first suspect of the first incident.
        public var named: String?
        /// Client requests sent while this fault was in place or being healed that failed.
        public var failedRequests: Int = 0
    }

    public struct Result: Sendable, Codable {
        public var faults: Int
        public var healedPercent: Double
        public var mttrP50: Double?
        public var mttrP95: Double?
        public var resolvedP50: Double?
        public var resolvedP95: Double?
        public var failedRequests: Int
        public var requests: Int
        public var rcaTop1Percent: Double?
        public var auditVerified: Bool
        public var seed: UInt64
        public var outcomes: [Outcome]

        enum CodingKeys: String, CodingKey {
            case faults, requests, seed, outcomes
            case healedPercent = "healed_percent", mttrP50 = "mttr_p50_s", mttrP95 = "mttr_p95_s", failedRequests = "failed_requests"
            case resolvedP50 = "resolved_p50_s", resolvedP95 = "resolved_p95_s"
            case rcaTop1Percent = "rca_top1_percent", auditVerified = "audit_verified"
        }
    }

    public var engine: StackEngine
    public var incidents: any IncidentStore
    public var blueprint: String
    public var settings: Settings
    public var progress: @Sendable (String) -> Void

    public init(
        engine: StackEngine, incidents: any IncidentStore, blueprint: String, settings: Settings,
        progress: @escaping @Sendable (String) -> Void
    ) {
        self.engine = engine
        self.incidents = incidents
        self.blueprint = blueprint
        self.settings = settings
        self.progress = progress
    }

    public struct GameDayError: Error, CustomStringConvertible {
        public var description: String
    }

    public func run(shouldStop: @escaping @Sendable () -> Bool) async throws -> Result {
        let prepared = try StackEngine.prepare(path: blueprint, environment: nil, variables: [:])
        let journal = ChaosJournal(stateDirectory: engine.stateDirectory)
        for fault in journal.recover() { progress("removed a fault left by an interrupted run: \(fault.description)") }
        guard !journal.isHalted else {
            throw GameDayError(description: "chaos experiments are halted (\(journal.haltPath)); `dharma chaos resume` lifts the kill switch")
        }
        let lease = SupervisorLease(stateDirectory: engine.stateDirectory, stack: prepared.stack)
        do {
            try lease.acquire(command: "chaos gameday")
        } catch {
            throw GameDayError(description: error.description)
        }
        defer { lease.release() }
        let (plan, _) = try await engine.plan(prepared)
        if plan.hasChanges {
            progress("bringing up \(prepared.stack)")
            let report = try await engine.apply(plan, context: engine.context(for: prepared), operation: .reconcile)
            guard report.ok else {
                throw GameDayError(description: "the stack did not come up: " + report.failed.map { "\($0.resource): \($0.message)" }.joined(separator: "; "))
            }
        }
        let autopilot = Autopilot(engine: engine, incidents: incidents, path: blueprint, environment: nil, variables: [:])
        let finished = StopFlag()
        let loop = Task {
            await autopilot.run(interval: settings.tick, shouldStop: { finished.isSet || shouldStop() }) { report in
                for line in report.lines { progress("  autopilot: \(line)") }
                for problem in report.problems { progress("  autopilot problem: \(problem)") }
            }
        }
        let recorded = try await engine.loadState(prepared.stack)
        let entrances = Replica.services(in: recorded).filter { $0.outputs["proxy"] != nil }.compactMap { $0.outputs["port"]?.intValue }
        let load = LoadGenerator(ports: entrances)
        load.start()
        let injector = FaultInjector(journal: journal)
        var random = SeededRandom(seed: settings.seed)
        var outcomes: [Outcome] = []
        for index in 1...max(1, settings.faults) {
            if shouldStop() || journal.isHalted { break }
            await waitUntilSteady(autopilot, stack: prepared.stack, timeout: 120, shouldStop: shouldStop)
            let now = try await engine.loadState(prepared.stack)
            guard let spec = Self.chooseFault(in: now, random: &random) else { break }
            let injected: FaultInjector.Injected
            do {
                injected = try injector.inject(spec, into: now, random: &random, now: Date().timeIntervalSince1970)
            } catch {
                progress("fault \(index): could not inject (\(error)); skipped")
                continue
            }
            progress("fault \(index)/\(settings.faults): \(injected.fault.description)")
            var outcome = await watchHealing(injected.fault, index: index, stack: prepared.stack, autopilot: autopilot, shouldStop: shouldStop)
            injector.remove(injected)
            let healedAt = injected.fault.injectedAt + (outcome.resolvedSeconds ?? settings.deadline)
            outcome.failedRequests = load.failures.filter { $0 >= injected.fault.injectedAt - 1 && $0 <= healedAt }.count
            outcomes.append(outcome)
            progress(
                (outcome.healed
                    ? "  restored in \(String(format: "%.1f", outcome.recoverySeconds ?? 0)) s, resolved in \(String(format: "%.1f", outcome.resolvedSeconds ?? 0)) s"
                        + (outcome.named.map { ", incident named \($0)" } ?? "") : "  NOT healed within \(Int(settings.deadline)) s")
                    + (outcome.failedRequests > 0 ? ", \(outcome.failedRequests) client requests failed" : ""))
        }
        let (answered, failed) = load.stop()
        finished.set()
        await loop.value
        let verified = (try? await engine.audit?.verify(witnesses: nil).ok) ?? false
        return Self.summarise(outcomes, answered: answered, failed: failed, auditVerified: verified, seed: settings.seed)
    }

    /// A random service or local database, and a fault that fits it: CPU only where the autopilot may still
    /// scale out (an autoscaled service below its `max`); burning CPU in every replica of a
    /// service already at its maximum is load no remediation here can take.
    static func chooseFault(in recorded: StackState, random: inout SeededRandom) -> FaultSpec? {
        let databases = recorded.resources.values.filter { !Replica.all(of: $0).isEmpty && $0.type == "database.postgres" }.sorted { $0.name < $1.name }
        let targets = Replica.services(in: recorded) + databases
        guard let target = targets.randomElement(using: &random) else { return nil }
        // A database server is killed; the other faults need a `dharma workload` replica.
        if target.type == "database.postgres" { return FaultSpec(kind: .kill, resource: target.name, replica: .index(0), duration: 0) }
        let service = target
        var kinds: [FaultSpec.Kind] = [.kill, .memory, .hang]
        if let bounds = AutoscaledReplicas.bounds(of: service.inputs), (service.inputs["replicas"]?.intValue ?? 1) < bounds.upperBound {
            kinds.append(.cpu)
        }
        guard let kind = kinds.randomElement(using: &random) else { return nil }
        // A replica the autoscaler may remove at any moment is no target: a fault in it could
        // vanish with a scale-in and look like one nobody healed. Only the first `min` stay.
        let replicas = service.inputs["replicas"]?.intValue ?? 1
        let lasting = AutoscaledReplicas.bounds(of: service.inputs).map { min(replicas, $0.lowerBound) } ?? replicas
        let replica: FaultSpec.ReplicaChoice = kind == .cpu ? .all : .index(Int.random(in: 0..<max(1, lasting), using: &random))
        return FaultSpec(kind: kind, resource: service.name, replica: replica, duration: 0)
    }

    /// Waits until the incidents opened since the fault are all resolved and nothing is open.
    private func watchHealing(
        _ fault: ActiveFault, index: Int, stack: StackID, autopilot: Autopilot,
        shouldStop: @Sendable () -> Bool
    ) async -> Outcome {
        var outcome = Outcome(
            index: index, kind: fault.kind.rawValue, resource: fault.resource, description: fault.description, healed: false,
            recoverySeconds: nil, resolvedSeconds: nil, incidents: [], named: nil)
        let book = IncidentBook(store: incidents)
        let deadline = fault.injectedAt + settings.deadline
        while Date().timeIntervalSince1970 < deadline, !shouldStop() {
            try? await Task.sleep(for: .milliseconds(250))
            let caused = ((try? await book.incidents(stack: stack, limit: 50)) ?? []).filter { $0.openedAt >= fault.injectedAt - 0.5 }
                .sorted { $0.openedAt < $1.openedAt }
            outcome.incidents = caused.map(\.id)
            outcome.named = caused.first?.suspects.first
            if !caused.isEmpty, caused.allSatisfy({ !$0.isOpen }), await autopilot.openIncidents.isEmpty {
                outcome.healed = true
                outcome.resolvedSeconds = (caused.compactMap(\.closedAt).max() ?? fault.injectedAt) - fault.injectedAt
                // Restored when the verification that succeeded began: the last fix or the moment the symptom went.
                let restored = caused.map { incident in
                    incident.timeline.last { $0.kind == .action || $0.kind == .verifying }?.time ?? incident.closedAt ?? fault.injectedAt
                }
                outcome.recoverySeconds = (restored.max() ?? fault.injectedAt) - fault.injectedAt
                return outcome
            }
        }
        return outcome
    }

    private func waitUntilSteady(_ autopilot: Autopilot, stack: StackID, timeout: Double, shouldStop: @Sendable () -> Bool) async {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline, !shouldStop() {
            if await autopilot.openIncidents.isEmpty, await autopilot.health.map({ $0.penalties.allSatisfy { $0.component == "slo" } }) ?? false {
                return
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    static func summarise(_ outcomes: [Outcome], answered: Int, failed: Int, auditVerified: Bool, seed: UInt64) -> Result {
        let healed = outcomes.filter(\.healed)
        /// Nearest-rank percentile.
        func percentile(_ p: Double, _ values: [Double]) -> Double? {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return nil }
            return sorted[max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }
        let recoveries = healed.compactMap(\.recoverySeconds), closes = healed.compactMap(\.resolvedSeconds)
        let diagnosed = outcomes.filter { $0.named != nil }
        return Result(
            faults: outcomes.count, healedPercent: outcomes.isEmpty ? 0 : 100 * Double(healed.count) / Double(outcomes.count),
            mttrP50: percentile(0.5, recoveries), mttrP95: percentile(0.95, recoveries), resolvedP50: percentile(0.5, closes),
            resolvedP95: percentile(0.95, closes), failedRequests: failed, requests: answered + failed,
            rcaTop1Percent: diagnosed.isEmpty ? nil : 100 * Double(diagnosed.filter { $0.named == $0.resource }.count) / Double(diagnosed.count),
            auditVerified: auditVerified, seed: seed, outcomes: outcomes)
    }
}
