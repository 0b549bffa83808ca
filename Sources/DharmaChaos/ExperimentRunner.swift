import DharmaAudit
import DharmaAutopilot
import DharmaCore
import DharmaEngine
import DharmaInsight
import Foundation

/// Runs an experiment: recover leftovers → steady state before → each fault for its duration
/// with probes (abort, kill switch, Ctrl-C stop it) → remove the fault → wait for the steady
/// state to return → roll back if it does not. Every fault is removed whatever happens, and
/// every injection and removal is in the audit log.
public struct ExperimentRunner: Sendable {
    public var engine: StackEngine
    public var seed: UInt64
    public var shouldStop: @Sendable () -> Bool
    public var progress: @Sendable (String) -> Void

    public init(
        engine: StackEngine, seed: UInt64, shouldStop: @escaping @Sendable () -> Bool = { false },
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.engine = engine
        self.seed = seed
        self.shouldStop = shouldStop
        self.progress = progress
    }

    public struct RunError: Error, CustomStringConvertible {
        public var description: String
    }

    public func run(_ experiment: Experiment) async throws -> ExperimentReport {
        let prepared = try StackEngine.prepare(path: experiment.blueprint, environment: nil, variables: [:])
        let journal = ChaosJournal(stateDirectory: engine.stateDirectory)
        let leftovers = journal.recover()
        guard !journal.isHalted else {
            throw RunError(description: "chaos experiments are halted (\(journal.haltPath)); `dharma chaos resume` lifts the kill switch")
        }
        let probes = ProbeRunner(engine: engine, prepared: prepared)
        var report = ExperimentReport(
            experiment: experiment.name, stack: prepared.stack.description, status: .succeeded,
            startedAt: Date().timeIntervalSince1970, endedAt: 0, leftoversRemoved: leftovers.map(\.description),
            before: await probes.run(experiment.probes), faults: [], during: [], after: [], recoveredAfter: nil,
            rolledBack: false, reason: nil)
        defer { _ = journal.recover() }
        guard report.before.allSatisfy(\.ok) else {
            report.status = .notSteady
            report.reason =
                "the steady state did not hold before any fault: " + report.before.filter { !$0.ok }.map { "\($0.probe): \($0.detail)" }.joined(separator: "; ")
            report.endedAt = Date().timeIntervalSince1970
            return report
        }
        let injector = FaultInjector(journal: journal)
        var random = SeededRandom(seed: seed)
        method: for spec in experiment.method {
            let recorded = try await engine.loadState(prepared.stack)
            let injected: FaultInjector.Injected
            do {
                injected = try injector.inject(spec, into: recorded, random: &random, now: Date().timeIntervalSince1970)
            } catch {
                throw RunError(description: error.description)
            }
            progress("injected: \(injected.fault.description)")
            try? await engine.record(
                AuditDraft(
                    actor: engine.actor, action: "chaos-inject", stack: prepared.stack.description,
                    resources: [injected.fault.resource], reason: "experiment \(experiment.name): \(injected.fault.description)"))
            var record = ExperimentReport.FaultRecord(
                kind: spec.kind.rawValue, resource: injected.fault.resource,
                description: injected.fault.description, injectedAt: injected.fault.injectedAt)
            let stop = await watch(experiment, for: spec.duration, probes: probes, journal: journal, report: &report)
            injector.remove(injected)
            record.removedAt = Date().timeIntervalSince1970
            report.faults.append(record)
            progress("removed: \(injected.fault.description)")
            try? await engine.record(
                AuditDraft(
                    actor: engine.actor, action: "chaos-remove", stack: prepared.stack.description,
                    resources: [injected.fault.resource], reason: "experiment \(experiment.name): removed \(injected.fault.description)"))
            if let stop {
                report.status = stop.status
                report.reason = stop.reason
                break method
            }
        }
        try await settle(experiment, probes: probes, prepared: prepared, report: &report)
        report.endedAt = Date().timeIntervalSince1970
        return report
    }

    private struct Stop {
        var status: ExperimentReport.Status
        var reason: String
    }

    /// Probes every interval while a fault is in place; says why to stop early, if it must.
    private func watch(
        _ experiment: Experiment, for duration: Double, probes: ProbeRunner, journal: ChaosJournal,
        report: inout ExperimentReport
    ) async -> Stop? {
        let deadline = ContinuousClock.now + .milliseconds(Int(duration * 1000))
        repeat {
            if journal.isHalted { return Stop(status: .halted, reason: "the kill switch was set (`dharma chaos halt`)") }
            if shouldStop() { return Stop(status: .halted, reason: "interrupted") }
            let results = await probes.run(experiment.probes)
            report.during += results
            if let failed = results.first(where: { !$0.ok && experiment.abort.contains($0.probe) }) {
                return Stop(status: .aborted, reason: "abort condition `\(failed.probe)` failed: \(failed.detail)")
            }
            let next = ContinuousClock.now + .milliseconds(Int(experiment.probeInterval * 1000))
            while ContinuousClock.now < min(next, deadline), !shouldStop(), !journal.isHalted {
                try? await Task.sleep(for: .milliseconds(50))
            }
        } while ContinuousClock.now < deadline
        return nil
    }

    /// Waits for every probe to pass again; rolls back when they do not within `settle`.
    private func settle(_ experiment: Experiment, probes: ProbeRunner, prepared: StackEngine.Prepared, report: inout ExperimentReport) async throws {
        let removed = report.faults.last?.removedAt ?? Date().timeIntervalSince1970
        let deadline = ContinuousClock.now + .milliseconds(Int(experiment.settle * 1000))
        while true {
            let results = await probes.run(experiment.probes)
            report.after += results
            if results.allSatisfy(\.ok) {
                report.recoveredAfter = Date().timeIntervalSince1970 - removed
                return
            }
            if ContinuousClock.now >= deadline || shouldStop() { break }
            try? await Task.sleep(for: .milliseconds(Int(experiment.probeInterval * 1000)))
        }
        if report.status == .succeeded {
            report.status = .deviated
            report.reason = "the steady state did not return within \(Int(experiment.settle)) s"
        }
        guard experiment.rollback else { return }
        progress("rolling back: applying \(experiment.blueprint)")
        let (plan, _) = try await engine.plan(prepared)
        if plan.hasChanges { _ = try await engine.apply(plan, context: engine.context(for: prepared), operation: .rollback) }
        report.rolledBack = true
        report.after += await probes.run(experiment.probes)
    }
}
