import Foundation

/// Carries out a plan: deletions first (dependents before what they depend on), then creates,
/// updates and replacements in dependency order, at most `parallelism` at a time.
///
/// When a step fails, nothing new is started, steps already running finish, and every success
/// has been recorded already — the next apply continues from there.
public struct Executor: Sendable {
    public var providers: ProviderRegistry
    public var parallelism: Int
    public var context: ProviderContext

    public init(providers: ProviderRegistry, parallelism: Int, context: ProviderContext) {
        self.providers = providers
        self.parallelism = max(1, parallelism)
        self.context = context
    }

    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Refuses before touching anything when a change needs a provider that cannot apply yet.
    public func checkAvailability(_ plan: Plan, recorded: StackState) throws(Refusal) {
        var problems: [String] = []
        for change in plan.changes where change.action != .noop {
            let provider = change.desired?.provider ?? recorded.resources[change.resource]?.provider ?? .local
            guard let implementation = providers.provider(provider) else {
                problems.append("\(change.resource): provider `\(provider.rawValue)` is not built into this version of Dharma")
                continue
            }
            if case .unavailable(let why) = implementation.applyAvailability(for: change.type) {
                problems.append("\(change.resource) (\(change.type) on \(provider.rawValue)): \(why)")
            }
        }
        if !problems.isEmpty {
            throw Refusal(description: "cannot apply this plan; nothing was changed:\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
    }

    public func apply(
        _ plan: Plan, recorded: StackState, recorder: some StateRecorder,
        progress: @escaping @Sendable (ApplyEvent) -> Void
    ) async -> ApplyReport {
        let work = plan.changes.filter { $0.action != .noop }
        var known: [String: [String: Value]] = [:]
        for (name, state) in recorded.resources { known[name] = state.inputs.merging(state.outputs) { input, _ in input } }

        var report = ApplyReport()
        let deletions = work.filter { $0.action == .delete }
        let deletionNames = Set(deletions.map(\.resource))
        // A deletion waits for the deletion of everything that depends on it.
        var deletionWaitsFor: [String: Set<String>] = [:]
        for name in deletionNames {
            deletionWaitsFor[name] = Set(recorded.resources.values.filter { $0.dependencies.contains(name) && deletionNames.contains($0.name) }.map(\.name))
        }
        await run(
            deletions, waitsFor: deletionWaitsFor, known: &known, report: &report, plan: plan, recorded: recorded,
            recorder: recorder, progress: progress)
        guard report.failed.isEmpty else {
            report.skipped += work.filter { $0.action != .delete }.map(\.resource)
            return report
        }
        let others = work.filter { $0.action != .delete }
        let pending = Set(others.map(\.resource))
        var waitsFor: [String: Set<String>] = [:]
        for change in others { waitsFor[change.resource] = Set(change.desired?.dependencies ?? []).intersection(pending) }
        await run(
            others, waitsFor: waitsFor, known: &known, report: &report, plan: plan, recorded: recorded,
            recorder: recorder, progress: progress)

        let evaluator = Evaluator(variables: plan.variables, resources: known)
        report.outputs = plan.outputs.mapValues { evaluator.evaluate($0) }
        return report
    }

    private func run(
        _ changes: [ResourceChange], waitsFor: [String: Set<String>], known: inout [String: [String: Value]],
        report: inout ApplyReport, plan: Plan, recorded: StackState, recorder: some StateRecorder,
        progress: @escaping @Sendable (ApplyEvent) -> Void
    ) async {
        var waiting = waitsFor
        var queue = changes
        var failed = false
        var running = 0
        await withTaskGroup(of: StepResult.self) { group in
            func startReady() {
                while !failed, running < parallelism,
                    let index = queue.firstIndex(where: { waiting[$0.resource]?.isEmpty ?? true })
                {
                    let change = queue.remove(at: index)
                    let evaluator = Evaluator(variables: plan.variables, resources: known)
                    let prior = recorded.resources[change.resource]
                    running += 1
                    progress(ApplyEvent(resource: change.resource, action: change.action, phase: .started))
                    group.addTask { await self.step(change, prior: prior, evaluator: evaluator, recorder: recorder) }
                }
            }
            startReady()
            while let result = await group.next() {
                running -= 1
                switch result.outcome {
                case .success(let state):
                    report.succeeded.append(result.change.resource)
                    if let state { known[state.name] = state.inputs.merging(state.outputs) { input, _ in input } }
                    for key in waiting.keys { waiting[key]?.remove(result.change.resource) }
                    progress(ApplyEvent(resource: result.change.resource, action: result.change.action, phase: .succeeded(seconds: result.seconds)))
                case .failure(let message):
                    failed = true
                    report.failed.append((result.change.resource, message))
                    progress(ApplyEvent(resource: result.change.resource, action: result.change.action, phase: .failed(message)))
                }
                startReady()
            }
        }
        report.skipped += queue.map(\.resource)
    }

    private struct StepResult: Sendable {
        enum Outcome: Sendable {
            case success(ResourceState?)
            case failure(String)
        }
        var change: ResourceChange
        var outcome: Outcome
        var seconds: Double
    }

    private func step(_ change: ResourceChange, prior: ResourceState?, evaluator: Evaluator, recorder: some StateRecorder) async -> StepResult {
        let started = ContinuousClock.now
        func finish(_ outcome: StepResult.Outcome) -> StepResult {
            let elapsed = ContinuousClock.now - started
            return StepResult(
                change: change, outcome: outcome,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        do {
            if change.action == .delete || change.action == .replace, let prior {
                guard let provider = providers.provider(prior.provider) else {
                    return finish(.failure("provider `\(prior.provider.rawValue)` is not available"))
                }
                try await provider.delete(prior, context: context)
                try await recorder.remove(prior.name)
            }
            guard change.action != .delete else { return finish(.success(nil)) }
            guard var desired = change.desired, let provider = providers.provider(desired.provider) else {
                return finish(.failure("the plan has no desired state for this change"))
            }
            let type = ResourceCatalog.type(named: desired.type)
            desired.inputs = desired.inputs.mapValues { evaluator.evaluate($0, selfType: type) }
            if let unresolved = desired.inputs.first(where: { $0.value.containsUnknown }) {
                return finish(.failure("`\(unresolved.key)` still refers to a value nobody provided"))
            }
            let outputs = try await provider.apply(desired, prior: change.action == .replace ? nil : prior, context: context)
            let state = ResourceState(
                name: desired.name, type: desired.type, provider: desired.provider, region: desired.region,
                inputs: desired.inputs, outputs: outputs, dependencies: desired.dependencies,
                lifecycle: desired.lifecycle, derivedSecrets: desired.derivedSecrets)
            try await recorder.record(state)
            return finish(.success(state))
        } catch let error as ProviderError {
            return finish(.failure(error.message))
        } catch {
            return finish(.failure(String(describing: error)))
        }
    }
}
