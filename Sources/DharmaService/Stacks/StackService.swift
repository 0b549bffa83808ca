import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaExport
import DharmaPolicy
import DharmaStore
import Foundation

/// One stack's lifecycle for every caller: validate, plan (with price and policy), apply under
/// the policy gate, destroy, and drift. Long work reports progress through callbacks; nothing
/// here prints or decides an exit code.
public struct StackService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    // MARK: plan

    public struct PlanRequest: Sendable {
        public var blueprint: BlueprintInput
        public var policy: PolicySettings
        /// A usage file for usage-priced items.
        public var usage: String?
        /// Save the plan here, for `apply --plan`.
        public var saveTo: String?

        public init(blueprint: BlueprintInput, policy: PolicySettings = PolicySettings(), usage: String? = nil, saveTo: String? = nil) {
            self.blueprint = blueprint
            self.policy = policy
            self.usage = usage
            self.saveTo = saveTo
        }
    }

    public struct PlanOutcome: Sendable {
        public var plan: Plan
        public var cost: PlanCost
        public var policy: PolicyReport
        public var verdict: PolicyVerdict
        /// Resources the blueprint explicitly opens to the internet.
        public var exposed: [(resource: String, reason: String)]
        public var savedTo: String?

        /// Exit 3 when the gate refuses or the plan is over budget.
        public func enforce() throws(ServiceError) {
            if let message = verdict.message { throw .policyViolation(message) }
            if let exceeded = cost.budgetExceeded { throw .policyViolation(exceeded) }
        }

        /// What `plan --json` prints and the API returns.
        public var json: Value {
            guard case .map(var entries) = PlanRenderer.jsonValue(plan) else { return PlanRenderer.jsonValue(plan) }
            entries["cost"] = cost.json
            entries["policy"] = policy.json
            return .map(entries)
        }
    }

    public func plan(_ request: PlanRequest) async throws(ServiceError) -> PlanOutcome {
        try context.authorise(.plan, "plan changes")
        let prepared = try request.blueprint.prepare()
        let location = request.blueprint.location(context)
        let engine = try location.engine(context)
        let (plan, recorded) = try await Self.engineCall { () throws(EngineError) in try await engine.plan(prepared) }
        let cost = try CostService.planCost(prepared, recorded: recorded, usage: request.usage)
        let gate = try Self.gate(request.policy, for: prepared)
        let report = gate.evaluate(prepared)
        if let path = request.saveTo {
            let file = try await serviceCall(doing: "sealing the plan's secrets") {
                try await PlanFile.sealing(plan, statePath: location.databasePath, with: engine.store)
            }
            do { try file.write(to: path) } catch { throw .failed(error.description) }
        }
        return PlanOutcome(
            plan: plan, cost: cost, policy: report, verdict: gate.verdict(report), exposed: PublicExposure.of(prepared.blueprint),
            savedTo: request.saveTo)
    }

    // MARK: apply and destroy

    public struct ApplyRequest: Sendable {
        public enum Source: Sendable {
            case blueprint(BlueprintInput)
            /// A plan saved by `plan --out`, and the state database to use instead of the one it names.
            case savedPlan(path: String, state: String?)
        }

        public var source: Source
        public var policy: PolicySettings
        /// Why, for the audit log (default: the command that ran).
        public var reason: String?
        public var parallelism: Int
        public var auditWebhook: String?

        public init(
            source: Source, policy: PolicySettings = PolicySettings(), reason: String? = nil, parallelism: Int = 10,
            auditWebhook: String? = nil
        ) {
            self.source = source
            self.policy = policy
            self.reason = reason
            self.parallelism = parallelism
            self.auditWebhook = auditWebhook
        }
    }

    /// A plan ready to apply, with the gate's verdict on it. Only the service makes one, so an
    /// apply cannot skip the checks that made it.
    public struct PendingApply: Sendable {
        public let plan: Plan
        public let operation: ApplyOperation
        /// The policy findings; nil for a destroy, which the gate does not judge.
        public let policy: PolicyReport?
        public let verdict: PolicyVerdict
        let engine: StackEngine
        let providerContext: ProviderContext

        public var hasChanges: Bool { plan.hasChanges }

        /// Exit 3 when the gate refuses: checked before asking anyone to confirm.
        public func enforce() throws(ServiceError) {
            if let message = verdict.message { throw .policyViolation(message) }
        }
    }

    public func prepareApply(_ request: ApplyRequest) async throws(ServiceError) -> PendingApply {
        try context.authorise(.apply, "apply changes")
        guard request.parallelism >= 1 else { throw .invalidInput("--parallelism must be at least 1") }
        switch request.source {
        case .blueprint(let input):
            let prepared = try input.prepare()
            let engine = try input.location(context).engine(
                context, parallelism: request.parallelism, audited: true, reason: request.reason,
                webhook: request.auditWebhook)
            let (plan, _) = try await Self.engineCall { () throws(EngineError) in try await engine.plan(prepared) }
            let gate = try Self.gate(request.policy, for: prepared)
            let report = gate.evaluate(prepared)
            return PendingApply(
                plan: plan, operation: .apply, policy: report, verdict: gate.verdict(report), engine: engine,
                providerContext: engine.context(for: prepared))
        case .savedPlan(let path, let state):
            let saved: PlanFile
            do { saved = try PlanFile.read(path) } catch { throw .invalidInput(error.description) }
            let location = StateLocation(databasePath: state ?? saved.statePath)
            let engine = try location.engine(
                context, parallelism: request.parallelism, audited: true, reason: request.reason,
                webhook: request.auditWebhook)
            let plan = try await serviceCall(doing: "opening the plan's sealed values") { try await saved.plan(openedWith: engine.store) }
            // The gate judges the blueprint the plan was made from, with the plan's own variables.
            let prepared: PreparedBlueprint
            do {
                prepared = try PreparedBlueprint.prepare(
                    path: plan.blueprintPath, environment: plan.stack.environment,
                    resolvedVariables: plan.variables)
            } catch {
                throw .stalePlan("the saved plan is stale: its blueprint \(plan.blueprintPath) no longer loads (\(error)); run `dharma plan` again")
            }
            guard prepared.hash == plan.blueprintHash else {
                throw .stalePlan("the saved plan is stale: \(plan.blueprintPath) changed since it was made; run `dharma plan` again")
            }
            let gate = try Self.gate(request.policy, for: prepared)
            let report = gate.evaluate(prepared)
            let base = (plan.blueprintPath as NSString).deletingLastPathComponent
            return PendingApply(
                plan: plan, operation: .apply, policy: report, verdict: gate.verdict(report), engine: engine,
                providerContext: ProviderContext(
                    stack: plan.stack, baseDirectory: base.isEmpty ? "." : base,
                    stateDirectory: engine.stateDirectory))
        }
    }

    public func prepareDestroy(
        _ input: BlueprintInput, reason: String? = nil, parallelism: Int = 10,
        auditWebhook: String? = nil
    ) async throws(ServiceError) -> PendingApply {
        try context.authorise(.destroy, "destroy stacks")
        let prepared = try input.prepare()
        let engine = try input.location(context).engine(
            context, parallelism: max(1, parallelism), audited: true, reason: reason,
            webhook: auditWebhook)
        let plan = try await Self.engineCall { () throws(EngineError) in try await engine.destroyPlan(prepared) }
        return PendingApply(
            plan: plan, operation: .destroy, policy: nil, verdict: .passed, engine: engine,
            providerContext: engine.context(for: prepared))
    }

    /// Applies a pending plan under the stack lock; refused when the gate refused it. Every
    /// waiver that let a failing check through is recorded on the audit log.
    public func apply(
        _ pending: PendingApply, progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in },
        onLock: @Sendable (LockAcquisition) -> Void = { _ in }
    ) async throws(ServiceError) -> ApplyReport {
        try context.authorise(pending.operation == .destroy ? .destroy : .apply, pending.operation == .destroy ? "destroy stacks" : "apply changes")
        try pending.enforce()
        let report = try await Self.engineCall { () throws(EngineError) in
            try await pending.engine.apply(
                pending.plan, context: pending.providerContext, operation: pending.operation, progress: progress,
                onLock: onLock)
        }
        for finding in pending.policy?.waived ?? [] {
            guard let waiver = finding.waiver else { continue }
            try await Self.engineCall { () throws(EngineError) in
                try await pending.engine.record(
                    AuditDraft(
                        actor: context.principal.name, action: "policy-waiver", stack: pending.plan.stack.description, resources: [finding.resource.address],
                        reason: "\(finding.rule.id) waived: \(waiver.justification) (approved by \(waiver.approver), expires \(waiver.expires))"))
            }
        }
        if case .overridden(let override, let findings) = pending.verdict {
            try await Self.engineCall { () throws(EngineError) in
                try await pending.engine.record(
                    AuditDraft(
                        actor: context.principal.name, action: "policy-override", stack: pending.plan.stack.description,
                        resources: Array(Set(findings.map(\.resource.address))).sorted(),
                        reason: "\(override.rules.joined(separator: ", ")) overridden by \(override.by): \(override.reason)"))
            }
        }
        return report
    }

    // MARK: drift

    public struct DriftReport: Sendable {
        public struct Drifted: Sendable {
            public var name: String
            public var type: String
            /// Removed outside Dharma.
            public var missing: Bool
            public var diffs: [AttributeDiff]
        }

        public var stack: StackID
        public var checked: Int
        public var drifted: [Drifted]

        /// Exit 4 when anything drifted.
        public var hasDrift: Bool { !drifted.isEmpty }

        public var json: Value {
            .map([
                "drifted": .bool(hasDrift),
                "checked": .int(checked),
                "resources": .list(
                    drifted.map { entry in
                        .map([
                            "resource": .string(entry.name), "type": .string(entry.type), "missing": .bool(entry.missing),
                            "attributes": .list(
                                entry.diffs.map {
                                    .map([
                                        "attribute": .string($0.attribute),
                                        "expected": $0.sensitive ? "(sensitive)" : ($0.old ?? .null),
                                        "actual": $0.sensitive ? "(sensitive)" : ($0.new ?? .null),
                                    ])
                                }),
                        ])
                    }),
            ])
        }
    }

    public func drift(_ input: BlueprintInput) async throws(ServiceError) -> DriftReport {
        try context.authorise(.read, "check drift")
        let prepared = try input.prepare()
        let engine = try input.location(context).engine(context)
        let recorded = try await Self.engineCall { () throws(EngineError) in try await engine.loadState(prepared.stack) }
        let observed = try await Self.engineCall { () throws(EngineError) in try await engine.refresh(recorded, context: engine.context(for: prepared)) }
        let ignored = Dictionary(uniqueKeysWithValues: prepared.blueprint.resources.map { ($0.name, Set($0.lifecycle.ignoreChanges)) })
        var drifted: [DriftReport.Drifted] = []
        for name in observed.keys.sorted() {
            guard let observation = observed[name], let state = recorded.resources[name] else { continue }
            let diffs = observation.drift.filter { diff in
                !(ignored[name] ?? []).contains(diff.attribute.split(separator: ".").first.map(String.init) ?? diff.attribute)
            }
            if !observation.exists || !diffs.isEmpty {
                drifted.append(DriftReport.Drifted(name: name, type: state.type, missing: !observation.exists, diffs: diffs))
            }
        }
        return DriftReport(stack: prepared.stack, checked: recorded.resources.count, drifted: drifted)
    }

    static func engineCall<T>(_ body: () async throws(EngineError) -> T) async throws(ServiceError) -> T {
        do { return try await body() } catch { throw ServiceError(error) }
    }
}
