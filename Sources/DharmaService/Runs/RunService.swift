import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaSecurity
import DharmaStore
import Foundation

/// Runs of managed stacks: queue one, follow it, approve, discard or cancel it. What each
/// state means is Terraform Cloud's; the work is `RunExecutor`'s.
public struct RunService: Sendable {
    public var tenants: TenantService
    public var coordinator: RunCoordinator

    public init(tenants: TenantService, coordinator: RunCoordinator) {
        self.tenants = tenants
        self.coordinator = coordinator
    }

    var access: Access { tenants.access }
    var store: any TenantStore { tenants.store }

    public func create(
        on reference: String, in organisation: String, kind: RunKind, blueprintVersion: Int?, message: String?
    ) async throws(ServiceError) -> Run {
        let permission: Permission = kind == .planOnly ? .plan : kind == .destroy ? .destroy : .apply
        let principal = try await access.require(permission, in: organisation, to: "queue \(kind.rawValue) runs")
        let stack = try await tenants.managedStack(reference, in: organisation)
        if let holder = stack.lockedBy {
            throw .conflict(
                "`\(reference)` is locked by \(holder)" + (stack.lockReason.map { ": \($0)" } ?? "") + "; no run may be queued until it is unlocked")
        }
        let blueprint = try await serviceCall { try await store.blueprint(version: blueprintVersion, of: stack.stack, in: organisation) }
        guard let blueprint else {
            throw blueprintVersion.map { .notFound("blueprint version \($0) of `\(reference)` not found") }
                ?? .conflict("`\(reference)` has no blueprint yet; upload one first")
        }
        if let message, message.count > 500 { throw .invalidInput("message: at most 500 characters", pointer: "/message") }
        let run = Run(
            id: "run-" + APITokenSecret.identifier(), organisation: organisation, stack: stack.stack, kind: kind, actor: principal.name, message: message,
            blueprintVersion: blueprint.version, createdAt: Date().timeIntervalSince1970)
        try await serviceCall { try await store.createRun(run) }
        await coordinator.submit(run)
        return run
    }

    /// Brings the stack back to state version `version`: an apply run of the blueprint version
    /// whose run made it.
    public func rollback(_ reference: String, to version: Int, in organisation: String) async throws(ServiceError) -> Run {
        _ = try await access.require(.apply, in: organisation, to: "roll stacks back")
        let stack = try await tenants.managedStack(reference, in: organisation)
        var cursor: String?
        repeat {
            let page = try await serviceCall { try await store.runs(of: stack.stack, in: organisation, PageRequest(after: cursor, limit: 200)) }
            if let made = page.items.first(where: { $0.stateVersion == version && $0.state == .applied }) {
                return try await create(
                    on: reference, in: organisation, kind: .apply, blueprintVersion: made.blueprintVersion,
                    message: "roll back to state version \(version) (made by \(made.id) from blueprint v\(made.blueprintVersion))")
            }
            cursor = page.next
        } while cursor != nil
        throw .notFound("no run on `\(reference)` made state version \(version)")
    }

    public func runs(of reference: String, in organisation: String, _ page: PageRequest) async throws(ServiceError) -> Page<Run> {
        _ = try await access.require(.read, in: organisation, to: "list runs")
        let stack = try await tenants.managedStack(reference, in: organisation)
        return try await serviceCall { try await store.runs(of: stack.stack, in: organisation, page) }
    }

    public func run(_ id: String, in organisation: String) async throws(ServiceError) -> Run {
        _ = try await access.require(.read, in: organisation, to: "read runs")
        return try await existing(id, in: organisation)
    }

    /// The log from line `after` on.
    public func log(of id: String, in organisation: String, after: Int) async throws(ServiceError) -> (run: Run, lines: [RunLogLine]) {
        _ = try await access.require(.read, in: organisation, to: "read run logs")
        let run = try await existing(id, in: organisation)
        return (run, try await serviceCall { try await store.log(of: id, after: max(0, after)) })
    }

    /// The log from line `after` on, then every line and state as it happens, until the run ends.
    public func follow(_ id: String, in organisation: String, after: Int) async throws(ServiceError) -> AsyncStream<RunUpdate> {
        _ = try await access.require(.read, in: organisation, to: "follow runs")
        let live = await coordinator.follow(id)
        let run = try await existing(id, in: organisation)
        let backlog = try await serviceCall { try await store.log(of: id, after: max(0, after)) }
        return AsyncStream { continuation in
            let task = Task {
                var seen = max(0, after) - 1
                for line in backlog {
                    continuation.yield(.line(line))
                    seen = line.index
                }
                continuation.yield(.state(run))
                guard !run.state.isFinal else { return continuation.finish() }
                for await update in live {
                    if case .line(let line) = update, line.index <= seen { continue }
                    continuation.yield(update)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// What approving a run means: the statement an approver signs on their own machine (the
    /// stack and the hash of the run's saved plan), and who approved so far.
    public struct ApprovalRequest: Sendable {
        public var run: Run
        public var planHash: String
        public var statement: String
        /// The blueprint's approvers and how many must approve; empty when it names none.
        public var approvers: [String]
        public var required: Int
        public var approvedBy: [String]
    }

    public func approvalRequest(_ id: String, in organisation: String) async throws(ServiceError) -> ApprovalRequest {
        _ = try await access.require(.read, in: organisation, to: "read run approvals")
        let run = try await existing(id, in: organisation)
        guard run.state == .needsApproval else { throw .conflict("run \(id) is \(run.state.rawValue), not waiting for approval") }
        guard let (plan, location) = try await savedPlan(of: run) else {
            throw .conflict("run \(id) has no saved plan to sign (a destroy is approved without one)")
        }
        let registered = try await tenants.registeredVerifiers(of: plan.approvals?.from ?? [])
        let status = try await serviceCall(doing: "reading the run's approvals") { () -> Approvals.Status? in
            let store = try location.store()
            return try await Approvals(log: try location.auditLog(store), keys: Self.approverKeys(location), registered: registered).status(of: plan)
        }
        return ApprovalRequest(
            run: run, planHash: Approvals.hash(of: plan), statement: Approvals.statement(for: plan), approvers: plan.approvals?.from ?? [],
            required: plan.approvals?.required ?? 0, approvedBy: status?.approvedBy ?? [])
    }

    /// An approver's decision, and the run applies once every approval it needs is in. When
    /// the blueprint names the caller among its approvers, the approval is a signed note over
    /// the plan: `signature` when the caller signed it on their own machine (it must verify
    /// with the keys they registered), else signed by the server for them.
    public func approve(_ id: String, in organisation: String, reason: String?, signature: String? = nil) async throws(ServiceError) -> Run {
        let principal = try await access.require(.approve, in: organisation, to: "approve runs")
        var run = try await existing(id, in: organisation)
        guard run.state == .needsApproval else { throw .conflict("run \(id) is \(run.state.rawValue), not waiting for approval") }
        var note: SignedNote?
        if let signature {
            do { note = try SignedNote(parsing: signature) } catch { throw .unprocessable("signature: not a signed note (\(error))", pointer: "/signature") }
        }
        let signedIn =
            switch principal.authentication {
            case .oidc: "an OIDC token"
            case .session: "a password in the web console"
            default: "an API token"
            }
        let how =
            note == nil
            ? "signed by the server for \(principal.name), signed in with \(signedIn)"
            : "signed on \(principal.name)'s own machine with the keys they registered, signed in with \(signedIn)"
        let decision = (reason.map { "\($0) — " } ?? "") + how
        if let (plan, location) = try await savedPlan(of: run) {
            let registered = try await tenants.registeredVerifiers(of: Array(Set((plan.approvals?.from ?? []) + [principal.name])))
            if let note {
                do {
                    try Approvals.check(note, states: plan, signedBy: registered[principal.name] ?? [], approver: principal.name)
                } catch {
                    throw .unprocessable("signature: \(error.description)", pointer: "/signature")
                }
            }
            let missing = try await serviceCall(doing: "approving the run's plan") { () -> [String]? in
                guard let policy = plan.approvals else { return nil }
                guard policy.from.contains(principal.name) else {
                    throw ServiceError.forbidden("\(principal.name) is not among this stack's approvers (\(policy.from.joined(separator: ", ")))")
                }
                let store = try location.store()
                let approvals = Approvals(log: try location.auditLog(store), keys: Self.approverKeys(location), registered: registered)
                if let note {
                    try await approvals.record(plan, as: principal.name, note: note, reason: "run \(id): \(decision)")
                } else {
                    try await approvals.approve(plan, as: principal.name, reason: "run \(id): \(decision)")
                }
                guard let status = try await approvals.status(of: plan), !status.satisfied else { return [] }
                return status.missing
            }
            if let missing, !missing.isEmpty {
                run.approvalsMissing = missing
                run.updatedAt = Date().timeIntervalSince1970
                try await serviceCall { try await store.updateRun(run) }
                return run
            }
        } else if note != nil {
            throw .unprocessable("signature: run \(id) has no saved plan to sign (a destroy is approved without one)", pointer: "/signature")
        }
        try await tenants.recordOrganisation(organisation, action: "run-approve", reason: "run \(id) on \(run.stack): \(decision)")
        run.decidedBy = principal.name
        run.approvalsMissing = []
        try await serviceCall { try await store.updateRun(run) }
        await coordinator.approved(run)
        return run
    }

    /// The run's saved plan, with the organisation's state it opens against; nil for a destroy,
    /// which is approved without one.
    /// The changes of a run's saved plan as a person may see them: no-ops left out, secret
    /// values (the catalog's, derived ones and the stack's sensitive variables) as `(sensitive)`.
    /// Nil for a run without a saved plan (a destroy, or one not planned yet).
    public func planChanges(_ id: String, in organisation: String) async throws(ServiceError) -> [ResourceChange]? {
        _ = try await access.require(.read, in: organisation, to: "read run plans")
        let run = try await existing(id, in: organisation)
        guard let (plan, _) = try await savedPlan(of: run) else { return nil }
        let mask = try await tenants.secretMask(for: try await tenants.managedStack("\(run.stack.name).\(run.stack.environment)", in: organisation))
        let hidden = Value.string("(sensitive)")
        return plan.changes.filter { $0.action != .noop }.map { change in
            var shown = change
            shown.desired = nil
            shown.diff = change.diff.map { diff in
                var diff = diff
                diff.old = diff.old.map { diff.sensitive ? hidden : mask.mask($0) }
                diff.new = diff.new.map { diff.sensitive ? hidden : mask.mask($0) }
                return diff
            }
            return shown
        }
    }

    private func savedPlan(of run: Run) async throws(ServiceError) -> (Plan, StateLocation)? {
        let location = tenants.data.state(of: run.organisation)
        let planPath = StackWorkspace(data: tenants.data, stack: run.stack, organisation: run.organisation).planFile(of: run.id)
        guard run.kind != .destroy, FileManager.default.fileExists(atPath: planPath) else { return nil }
        let plan = try await serviceCall(doing: "reading the run's plan") { try await PlanFile.read(planPath).plan(openedWith: try location.store()) }
        return (plan, location)
    }

    /// Where the server keeps the keys it signs approvals with for approvers who sign in to it.
    private static func approverKeys(_ location: StateLocation) -> KeyDirectory {
        KeyDirectory(path: location.directory + "/keys/approvers")
    }

    /// Lets a run through the soft-mandatory policy failures holding it, for a reason that goes
    /// on the audit log; the run is planned again and judged with the override.
    public func overridePolicy(_ id: String, in organisation: String, reason: String) async throws(ServiceError) -> Run {
        let principal = try await access.require(.approve, in: organisation, to: "override policy checks")
        var run = try await existing(id, in: organisation)
        guard run.state == .policyOverride else {
            throw .conflict("run \(id) is \(run.state.rawValue), not waiting for a policy override")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw .unprocessable("reason: say why the policy failures may be overridden", pointer: "/reason") }
        let rules = run.policyOverridable ?? []
        try await tenants.recordOrganisation(
            organisation, action: "policy-override", reason: "run \(id) on \(run.stack): \(rules.joined(separator: ", ")) overridden: \(reason)")
        run.policyOverride = PolicyOverride(by: principal.name, reason: reason, rules: rules, at: Date().timeIntervalSince1970)
        run.policyOverridable = nil
        // Planning again starts now, so the answer and the followers see the run moving on.
        run.state = .planning
        run.updatedAt = Date().timeIntervalSince1970
        let overridden = run
        try await serviceCall { try await store.updateRun(overridden) }
        _ = try? await store.appendLog("policy override by \(principal.name): \(reason)", at: run.updatedAt, to: run.id)
        await coordinator.publish(.state(overridden), of: overridden.id)
        await coordinator.overridden(overridden)
        return overridden
    }

    /// Ends a run that waits for approval or a policy override without applying it.
    public func discard(_ id: String, in organisation: String, reason: String?) async throws(ServiceError) -> Run {
        let principal = try await access.require(.approve, in: organisation, to: "discard runs")
        var run = try await existing(id, in: organisation)
        guard run.state == .needsApproval || run.state == .policyOverride else {
            throw .conflict("run \(id) is \(run.state.rawValue); only a run waiting for approval or a policy override can be discarded")
        }
        try await tenants.recordOrganisation(organisation, action: "run-discard", reason: "run \(id) on \(run.stack)" + (reason.map { ": \($0)" } ?? ""))
        run.decidedBy = principal.name
        try await settle(&run, as: .discarded)
        return run
    }

    /// Cancels a run that has not started applying: a queued one is dropped, a planning one
    /// stops at its next step.
    public func cancel(_ id: String, in organisation: String) async throws(ServiceError) -> Run {
        let principal = try await access.require(.plan, in: organisation, to: "cancel runs")
        var run = try await existing(id, in: organisation)
        guard principal.may(.approve) || principal.name == run.actor else {
            throw .forbidden("\(principal.name) may cancel only their own runs (run \(id) is \(run.actor)'s)")
        }
        switch run.state {
        case .pending where await coordinator.dequeue(id):
            run.decidedBy = principal.name
            try await settle(&run, as: .canceled)
        case .pending, .planning, .planned, .policyChecked, .costEstimated:
            await coordinator.requestCancel(id)
        case .needsApproval, .policyOverride:
            run.decidedBy = principal.name
            try await settle(&run, as: .canceled)
        case .applying:
            throw .conflict("run \(id) is applying; an apply is not interrupted half-way")
        case .applied, .plannedAndFinished, .errored, .discarded, .canceled:
            throw .conflict("run \(id) has ended (\(run.state.rawValue))")
        }
        return run
    }

    private func settle(_ run: inout Run, as state: RunState) async throws(ServiceError) {
        run.state = state
        run.updatedAt = Date().timeIntervalSince1970
        let settled = run
        try await serviceCall { try await store.updateRun(settled) }
        _ = try? await store.appendLog("\(state.rawValue) by \(run.decidedBy ?? "?")", at: run.updatedAt, to: run.id)
        await coordinator.publish(.state(settled), of: settled.id)
        await coordinator.finished(settled)
    }

    private func existing(_ id: String, in organisation: String) async throws(ServiceError) -> Run {
        let run = try await serviceCall { try await store.run(id, in: organisation) }
        guard let run else { throw .notFound("run `\(id)` not found") }
        return run
    }
}
