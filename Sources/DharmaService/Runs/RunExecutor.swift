import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaPolicy
import DharmaSecurity
import DharmaStore
import Foundation

/// Moves one run through its states, as `dharma plan` and `dharma apply` would for the run's
/// actor: plan (priced, policy-checked, saved), then either finish, wait for approval, or apply
/// the saved plan, which is refused as stale if anything changed since it was made.
struct RunExecutor: Sendable {
    enum Step: Sendable { case plan, apply }

    let coordinator: RunCoordinator
    let store: any TenantStore
    let data: ServerData
    let environment: [String: String]
    /// Hides the stack's sensitive variables in the log.
    var mask = SecretMask.none

    func execute(_ id: String, organisation: String, step: Step) async {
        guard var run = try? await store.run(id, in: organisation) else { return }
        var executor = self
        if let stack = try? await store.stack(run.stack, in: organisation),
            let mask = try? await TenantService(context: ServiceContext(principal: .server, environment: [:]), store: store, data: data).secretMask(
                for: stack)
        {
            executor.mask = mask
        }
        await executor.step(&run, step)
        if run.state.isFinal { await coordinator.finished(run) }
    }

    private func step(_ run: inout Run, _ step: Step) async {
        do {
            switch step {
            case .plan: try await plan(&run)
            case .apply: try await apply(&run)
            }
        } catch {
            run.error = (error as? ServiceError)?.description ?? "\(error)"
            if case .policyViolation(let message) = error as? ServiceError { run.policyVerdict = message }
            run.error = run.error.map(mask.mask)
            run.policyVerdict = run.policyVerdict.map(mask.mask)
            await log(run, "errored: \(run.error ?? "")")
            await transition(&run, to: .errored)
        }
    }

    // MARK: steps

    private func plan(_ run: inout Run) async throws {
        if await cancelled(&run) { return }
        await transition(&run, to: .planning)
        let stack = try await managedStack(run)
        let context = try await context(for: run)
        let (input, blueprint) = try await TenantService(context: context, store: store, data: data).input(for: stack, version: run.blueprintVersion)
        let service = StackService(context: context)
        await log(run, "planning \(stack.reference) from blueprint version \(blueprint.version) (sha256 \(blueprint.sha256.prefix(12)))")

        let plan: Plan
        if run.kind == .destroy {
            plan = try await service.prepareDestroy(input, reason: reason(run)).plan
            await transition(&run, to: .planned, plan: plan)
        } else {
            let outcome = try await service.plan(StackService.PlanRequest(blueprint: input, policy: try await policy(for: run), saveTo: planFile(run)))
            plan = outcome.plan
            await transition(&run, to: .planned, plan: plan)
            run.policyVerdict = outcome.verdict.message
            run.policyFindings = Self.findings(outcome.policy)
            run.monthlyCost = outcome.cost.after.total
            run.monthlyCostDelta = outcome.cost.delta
            run.monthlyCarbonKg = outcome.cost.after.totalCarbonKg
            run.monthlyCarbonDeltaKg = outcome.cost.carbonDelta
            let failing = outcome.policy.failures.count
            await log(run, "policy: \(failing) failing check\(failing == 1 ? "" : "s")")
            switch outcome.verdict {
            case .softFailed where run.kind == .planOnly:
                await log(run, "policy soft-failed: \(outcome.verdict.message ?? "")")
            case .softFailed:
                run.policyOverridable = outcome.verdict.ruleIDs
                await log(run, "waiting for a policy override: \(outcome.verdict.message ?? "")")
                await transition(&run, to: .policyOverride)
                return
            case .overridden(let override, let findings):
                await log(
                    run,
                    "policy: \(findings.count) soft-mandatory failure\(findings.count == 1 ? "" : "s") overridden by \(override.by): \(override.reason)")
            case .refused, .passed:
                if let message = outcome.verdict.message { throw ServiceError.policyViolation(message) }
            }
            await transition(&run, to: .policyChecked)
            await log(run, String(format: "cost: %.2f/month (%+.2f)", outcome.cost.after.total, outcome.cost.delta))
            if let exceeded = outcome.cost.budgetExceeded { throw ServiceError.policyViolation(exceeded) }
            await transition(&run, to: .costEstimated)
        }
        guard run.kind != .planOnly, plan.hasChanges else {
            await log(run, run.kind == .planOnly ? "plan only: nothing is applied" : "no changes: nothing to apply")
            await transition(&run, to: .plannedAndFinished)
            return
        }
        if await cancelled(&run) { return }
        let missing = try await missingApprovals(plan, run)
        if stack.protected || !missing.isEmpty {
            run.approvalsMissing = missing
            await log(
                run,
                "waiting for approval: "
                    + (missing.isEmpty
                        ? "\(stack.reference) is protected; an approver must approve" : "approvals missing from \(missing.joined(separator: ", "))"))
            await transition(&run, to: .needsApproval)
            return
        }
        try await apply(&run)
    }

    private func apply(_ run: inout Run) async throws {
        if await cancelled(&run) { return }
        await transition(&run, to: .applying)
        let context = try await context(for: run)
        let service = StackService(context: context)
        let pending: StackService.PendingApply
        if run.kind == .destroy {
            let stack = try await managedStack(run)
            let (input, _) = try await TenantService(context: context, store: store, data: data).input(for: stack, version: run.blueprintVersion)
            pending = try await service.prepareDestroy(input, reason: reason(run))
        } else {
            pending = try await service.prepareApply(
                StackService.ApplyRequest(
                    source: .savedPlan(path: planFile(run), state: data.state(of: run.organisation).databasePath), policy: try await policy(for: run),
                    reason: reason(run)))
        }
        let lines = AsyncStream<String>.makeStream()
        let writer = Task { [run] in for await line in lines.stream { await log(run, line) } }
        let report = try await service.apply(pending, progress: { lines.continuation.yield($0.description) })
        lines.continuation.finish()
        await writer.value
        if report.ok {
            run.stateVersion = try? await data.state(of: run.organisation).store().versions(of: run.stack).map(\.version).max()
            await log(run, "applied: \(report.succeeded.count) change\(report.succeeded.count == 1 ? "" : "s")")
            await transition(&run, to: .applied)
        } else {
            throw ServiceError.failed(
                "\(report.failed.count) resource\(report.failed.count == 1 ? "" : "s") failed: "
                    + report.failed.map { "\($0.resource): \($0.message)" }.joined(separator: "; "))
        }
    }

    // MARK: helpers

    /// The failed checks worth keeping with the run: unwaived ones most severe first, then the
    /// waived ones with who waived them and until when.
    static func findings(_ report: PolicyReport) -> [RunPolicyFinding] {
        (report.orderedFailures + report.waived).map { finding in
            RunPolicyFinding(
                rule: finding.rule.id, title: finding.rule.title, severity: finding.rule.severity, resource: finding.resource.address,
                remediation: finding.rule.remediation,
                waiver: finding.waiver.map { .init(approver: $0.approver, expires: $0.expires, justification: $0.justification) })
        }
    }

    /// The organisation's enforcement levels, with the override the run was given.
    private func policy(for run: Run) async throws(ServiceError) -> PolicySettings {
        PolicySettings(enforcement: try await PolicyEnforcementService.current(of: run.organisation, in: store), override: run.policyOverride)
    }

    /// The run's actor with the role they hold now: someone removed since they queued the run
    /// cannot have it applied in their name.
    private func context(for run: Run) async throws -> ServiceContext {
        guard let user = try await store.user(named: run.actor) else { throw ServiceError.forbidden("\(run.actor) is no longer a user") }
        let principal = try await Principal.member(
            user, memberships: try await store.memberships(of: user.name), authentication: .token, resolvingIn: store
        ).scoped(to: run.organisation)
        guard principal.may(run.kind == .planOnly ? .plan : run.kind == .destroy ? .destroy : .apply) else {
            throw ServiceError.forbidden("\(run.actor) may no longer \(run.kind == .planOnly ? "plan" : run.kind.rawValue) in \(run.organisation)")
        }
        return ServiceContext(principal: principal, environment: environment, warn: { [run] line in Task { await log(run, line) } })
    }

    private func managedStack(_ run: Run) async throws -> ManagedStack {
        guard let stack = try await store.stack(run.stack, in: run.organisation) else { throw ServiceError.notFound("stack \(run.stack) is gone") }
        return stack
    }

    private func planFile(_ run: Run) -> String {
        StackWorkspace(data: data, stack: run.stack, organisation: run.organisation).planFile(of: run.id)
    }

    private func reason(_ run: Run) -> String {
        "run \(run.id) (\(run.kind.rawValue), blueprint v\(run.blueprintVersion))" + (run.message.map { ": \($0)" } ?? "")
    }

    /// Approvers who could still sign this plan, while it has fewer approvals than the
    /// blueprint requires; empty once it has enough.
    private func missingApprovals(_ plan: Plan, _ run: Run) async throws -> [String] {
        guard plan.approvals != nil else { return [] }
        let location = data.state(of: run.organisation)
        let log = try location.auditLog(try location.store())
        let approvals = Approvals(log: log, keys: KeyDirectory(path: location.directory + "/keys/approvers"))
        guard let status = try await approvals.status(of: plan), !status.satisfied else { return [] }
        return status.missing
    }

    private func cancelled(_ run: inout Run) async -> Bool {
        guard await coordinator.isCancelRequested(run.id) else { return false }
        await log(run, "canceled")
        await transition(&run, to: .canceled)
        return true
    }

    func transition(_ run: inout Run, to state: RunState, plan: Plan? = nil) async {
        run.state = state
        run.updatedAt = Date().timeIntervalSince1970
        if let plan {
            let counts = plan.summary
            run.plan = PlanCounts(create: counts[.create] ?? 0, update: counts[.update] ?? 0, replace: counts[.replace] ?? 0, delete: counts[.delete] ?? 0)
            await log(run, PlanRenderer(colour: false).text(plan).trimmingCharacters(in: .newlines))
        }
        do { try await store.updateRun(run) } catch { coordinator.warn("warning: run \(run.id) is \(state.rawValue) but was not recorded: \(error)") }
        await coordinator.publish(.state(run), of: run.id)
    }

    func log(_ run: Run, _ text: String) async {
        for line in mask.mask(text).split(separator: "\n", omittingEmptySubsequences: false) {
            do {
                let written = try await store.appendLog(String(line), at: Date().timeIntervalSince1970, to: run.id)
                await coordinator.publish(.line(written), of: run.id)
            } catch {
                coordinator.warn("warning: a line of run \(run.id)'s log was not recorded: \(error)")
            }
        }
    }
}
