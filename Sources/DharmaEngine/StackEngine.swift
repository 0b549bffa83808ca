import DharmaAudit
import DharmaCore
import DharmaProviders
import DharmaSecurity
import DharmaStore
import Foundation

/// Runs the stages for one stack — load, refresh, plan, apply, record — against a store and
/// the providers. The CLI and the supervisor (`dharma up`) both drive it.
public struct StackEngine: Sendable {
    public var store: any Store
    public var providers: ProviderRegistry
    public var parallelism: Int
    /// Where runtime files live (logs); the directory of the state database.
    public var stateDirectory: String
    /// Where every change is recorded; nil only for read-only work (plan, drift, state).
    public var audit: AuditLog?
    /// Why the operator is making this change (`--reason`); a default names the command.
    public var reason: String?
    /// Who the audit log names for changes this engine makes: the person running the command,
    /// or `autopilot` for the control loop's own remediations.
    public var actor: String = AuditLog.currentActor
    /// Where logged entries are also posted; a failed delivery is reported, never fatal.
    public var webhook: AuditWebhook?
    /// Receives warnings that must not stop the work (an undelivered webhook).
    public var warn: @Sendable (String) -> Void = { _ in }

    public init(store: any Store, providers: ProviderRegistry = .standard, parallelism: Int = 10, stateDirectory: String) {
        self.store = store
        self.providers = providers
        self.parallelism = parallelism
        self.stateDirectory = stateDirectory
    }

    /// A blueprint that passed validation, with its variables resolved.
    public typealias Prepared = PreparedBlueprint

    public static func prepare(path: String, environment: String?, variables overrides: [String: String]) throws(EngineError) -> Prepared {
        do {
            return try PreparedBlueprint.prepare(path: path, environment: environment, variables: overrides)
        } catch {
            switch error {
            case .invalid(let diagnostics, let source): throw .invalidBlueprint(diagnostics, source)
            case .variables(let message): throw .invalidInput(message)
            }
        }
    }

    public func context(for prepared: Prepared) -> ProviderContext {
        ProviderContext(stack: prepared.stack, baseDirectory: prepared.baseDirectory, stateDirectory: stateDirectory)
    }

    /// Reads back every recorded resource from its provider.
    public func refresh(_ recorded: StackState, context: ProviderContext) async throws(EngineError) -> [String: Observation] {
        var observed: [String: Observation] = [:]
        for (name, state) in recorded.resources.sorted(by: { $0.key < $1.key }) {
            guard let provider = providers.provider(state.provider) else { continue }
            do {
                observed[name] = try await provider.refresh(state, context: context)
            } catch {
                throw .failed("refreshing \(name): \(error)")
            }
        }
        return observed
    }

    public func plan(_ prepared: Prepared) async throws(EngineError) -> (Plan, StackState) {
        let survey = try await survey(prepared)
        return (survey.plan, survey.recorded)
    }

    /// What a plan is made from, kept together: recorded state, what refresh observed, and
    /// the plan. The autopilot tells symptoms (observed drift) from wanted changes with it.
    public struct Survey: Sendable {
        public var plan: Plan
        public var recorded: StackState
        public var observed: [String: Observation]
    }

    public func survey(_ prepared: Prepared) async throws(EngineError) -> Survey {
        let recorded = try await loadState(prepared.stack)
        let observed = try await refresh(recorded, context: context(for: prepared))
        do {
            let plan = try Planner(blueprint: prepared.blueprint, variables: prepared.variables, blueprintHash: prepared.hash)
                .plan(recorded: recorded, observed: observed)
            return Survey(plan: plan, recorded: recorded, observed: observed)
        } catch {
            throw .invalidInput(error.message)
        }
    }

    /// Applies `plan` under the stack lock. A saved plan is applied exactly, or refused as stale
    /// when state or the observed world changed after it was made.
    public func apply(
        _ plan: Plan, context: ProviderContext, operation: ApplyOperation = .apply,
        progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in },
        onLock: @Sendable (LockAcquisition) -> Void = { _ in }
    ) async throws(EngineError) -> ApplyReport {
        try await checkApprovals(plan)
        let holder = LockHolder.current(operation.rawValue)
        do {
            let acquisition = try await store.lock(plan.stack, as: holder)
            if case .brokeStale(let stale) = acquisition {
                try await record(
                    AuditDraft(
                        actor: actor, action: "lock-break", stack: plan.stack.description,
                        reason: "broke the stale lock of \(stale), which is no longer running"))
            }
            onLock(acquisition)
        } catch let error as EngineError {
            throw error
        } catch let error as LockError {
            throw .failed(error.description)
        } catch {
            throw .failed("cannot take the stack lock: \(error)")
        }
        // Released whether the apply worked or not; only a dead process leaves a lock behind.
        do {
            let report = try await applyLocked(plan, context: context, operation: operation, progress: progress)
            try? await store.unlock(plan.stack, holder: holder)
            if !report.succeeded.isEmpty || !report.failed.isEmpty {
                try await record(auditDraft(plan, report: report, operation: operation))
            }
            return report
        } catch {
            try? await store.unlock(plan.stack, holder: holder)
            throw error
        }
    }

    private func applyLocked(
        _ plan: Plan, context: ProviderContext, operation: ApplyOperation,
        progress: @escaping @Sendable (ApplyEvent) -> Void
    ) async throws(EngineError) -> ApplyReport {
        let recorded = try await loadState(plan.stack)
        if recorded.serial != plan.stateSerial {
            throw .stalePlan(
                "the saved plan is stale: state changed since it was made (serial \(plan.stateSerial) → \(recorded.serial)); run `dharma plan` again")
        }
        let observed = try await refresh(recorded, context: context)
        let deleting = Set(plan.changes.filter { $0.action == .delete }.map(\.resource))
        if Planner.fingerprint(observed, deleting: deleting) != plan.observedFingerprint {
            throw .stalePlan("the saved plan is stale: the running resources changed since it was made; run `dharma plan` again")
        }
        let executor = Executor(providers: providers, parallelism: parallelism, context: context)
        do {
            try executor.checkAvailability(plan, recorded: recorded)
        } catch {
            throw .failed(error.description)
        }
        let report = await executor.apply(plan, recorded: recorded, recorder: StoreRecorder(store: store, stack: plan.stack), progress: progress)
        let counts = plan.summary
        let summary =
            "\(operation.rawValue): \(counts[.create] ?? 0) created, \(counts[.update] ?? 0) updated, \(counts[.replace] ?? 0) replaced, "
            + "\(counts[.delete] ?? 0) deleted" + (report.ok ? "" : "; \(report.failed.count) failed")
        do {
            let recordedOutputs = try await store.outputs(of: plan.stack)
            let outputs = report.outputs.filter { !$0.value.containsUnknown }
            if plan.hasChanges || outputs != recordedOutputs {
                try await store.commitVersion(of: plan.stack, outputs: outputs, operation: operation, summary: summary)
            }
        } catch {
            throw .failed("recording the new state version failed: \(error)")
        }
        return report
    }

    /// What an apply records: who, what, which resources, why, and hashes of the exact plan
    /// and of the outcome.
    func auditDraft(_ plan: Plan, report: ApplyReport, operation: ApplyOperation) -> AuditDraft {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let planData = (try? encoder.encode(plan)) ?? Data()
        let outcome = Value.map([
            "succeeded": .list(report.succeeded.sorted().map(Value.string)),
            "failed": .list(report.failed.map { .map(["resource": .string($0.resource), "message": .string($0.message)]) }),
            "skipped": .list(report.skipped.sorted().map(Value.string)),
        ])
        let counts = plan.summary
        return AuditDraft(
            actor: actor, action: operation.auditAction, stack: plan.stack.description,
            resources: (report.succeeded + report.failed.map(\.resource)).sorted(),
            reason: reason ?? "dharma \(operation.rawValue) \(plan.blueprintPath): \(counts[.create] ?? 0) to create, \(counts[.update] ?? 0) to update, "
                + "\(counts[.replace] ?? 0) to replace, \(counts[.delete] ?? 0) to delete" + (report.ok ? "" : " (\(report.failed.count) failed)"),
            planHash: AuditHash.sha256Hex(planData), payloadHash: AuditHash.sha256Hex(Data(outcome.jsonText.utf8)))
    }

    /// Refuses a plan whose blueprint requires approvals it does not have, naming who is missing.
    func checkApprovals(_ plan: Plan) async throws(EngineError) {
        guard let policy = plan.approvals, plan.hasChanges else { return }
        guard let audit else { throw .notApproved("this stack requires approvals, and this command keeps no audit log to find them in") }
        let status: Approvals.Status?
        do {
            status = try await Approvals(log: audit, keys: KeyDirectory(path: stateDirectory + "/keys/approvers")).status(of: plan)
        } catch {
            throw .failed("cannot check approvals: \(error)")
        }
        guard let status, !status.satisfied else { return }
        let hash = Approvals.hash(of: plan).prefix(12)
        throw .notApproved(
            "plan \(hash) needs \(policy.required) approval\(policy.required == 1 ? "" : "s") from \(policy.from.joined(separator: ", ")); "
                + "approved by: \(status.approvedBy.isEmpty ? "nobody" : status.approvedBy.joined(separator: ", ")); "
                + "missing: \(status.missing.joined(separator: ", ")). Save it with `dharma plan --out FILE` and run `dharma approve FILE --as NAME`")
    }

    /// Appends to the audit log, if this engine keeps one.
    public func record(_ draft: AuditDraft) async throws(EngineError) {
        guard let audit else { return }
        let entries: [AuditEntry]
        do {
            entries = try await audit.append([draft])
        } catch {
            throw .failed("the change was made and recorded in state, but appending it to the audit log failed: \(error)")
        }
        guard let webhook else { return }
        for entry in entries {
            if case .failed(let why) = await webhook.deliver(entry) { warn(why) }
        }
    }

    /// A plan that removes everything recorded for the stack.
    public func destroyPlan(_ prepared: Prepared) async throws(EngineError) -> Plan {
        var empty = prepared
        empty.blueprint.resources = []
        empty.blueprint.outputs = []
        return try await plan(empty).0
    }

    public func loadState(_ stack: StackID) async throws(EngineError) -> StackState {
        do {
            return try await store.state(of: stack)
        } catch {
            throw .failed("cannot read state: \(error)")
        }
    }
}

/// Records each applied resource in the store the moment it is done.
struct StoreRecorder: StateRecorder {
    var store: any Store
    var stack: StackID

    func record(_ state: ResourceState) async throws {
        try await store.record(state, in: stack)
    }

    func remove(_ resource: String) async throws {
        try await store.remove(resource, in: stack)
    }
}
