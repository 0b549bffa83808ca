import DharmaCore
import DharmaStore
import Foundation
import Metrics

/// The server's run queue: at most one run per stack is active (executing, or waiting for
/// approval, which holds the stack so that what is approved is what applies), the rest wait in
/// order; at most `workers` runs execute at once. Followers of a run get its lines and states.
public actor RunCoordinator {
    let store: any TenantStore
    let data: ServerData
    let environment: [String: String]
    let workers: Int
    let warn: @Sendable (String) -> Void
    /// Where run transitions are published.
    public nonisolated let events = EventBus()

    /// Stacks (`ORG/NAME.ENV`) held by a run, and the runs queued behind.
    private var holders: [String: String] = [:]
    private var queued: [String: [Run]] = [:]
    private var executing = 0
    private var ready: [(Run, RunExecutor.Step)] = []
    private var followers: [String: [UUID: AsyncStream<RunUpdate>.Continuation]] = [:]
    private var cancelRequested: Set<String> = []
    /// Each stack's project (`ORG/NAME.ENV` → project), for filtering its events by project.
    private var projects: [String: String] = [:]

    public init(
        store: any TenantStore, data: ServerData, environment: [String: String], workers: Int = 4, warn: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.data = data
        self.environment = environment
        self.workers = max(1, workers)
        self.warn = warn
    }

    static func key(_ run: Run) -> String { "\(run.organisation)/\(run.stack.name).\(run.stack.environment)" }

    /// Runs waiting for their stack, for `/metrics`.
    private let queueDepth = Gauge(label: "dharma_run_queue_depth")

    /// Queues a new run, or starts it when its stack is free.
    func submit(_ run: Run) {
        let key = Self.key(run)
        if holders[key] == nil {
            holders[key] = run.id
            schedule(run, .plan)
        } else {
            queued[key, default: []].append(run)
        }
        queueDepth.record(queued.values.reduce(0) { $0 + $1.count })
    }

    /// Settles the runs a previous server process left unfinished: a run that was executing
    /// when the process died is errored (its apply may have half-happened; the state database
    /// recorded each resource that finished, and the next run plans from there). Runs that were
    /// waiting (pending, or for approval) go back into the queue.
    public func recover() async {
        do {
            for var run in try await store.unfinishedRuns() {
                switch run.state {
                case .pending:
                    submit(run)
                case .needsApproval, .policyOverride:
                    holders[Self.key(run)] = run.id
                default:
                    run.error = "the server stopped while the run was \(run.state.rawValue); nothing more was done. Queue a new run."
                    run.state = .errored
                    run.updatedAt = Date().timeIntervalSince1970
                    try await store.updateRun(run)
                    _ = try? await store.appendLog("errored: the server restarted during the run", at: run.updatedAt, to: run.id)
                }
            }
        } catch {
            warn("warning: cannot recover unfinished runs: \(error)")
        }
    }

    /// Continues a run that waited for approval.
    func approved(_ run: Run) {
        schedule(run, .apply)
    }

    /// Plans a run again once an approver overrode its soft-mandatory failures; the new plan
    /// is judged with the override.
    func overridden(_ run: Run) {
        schedule(run, .plan)
    }

    /// Marks a run cancel-requested; the executor stops at its next step.
    func requestCancel(_ id: String) {
        cancelRequested.insert(id)
    }

    func isCancelRequested(_ id: String) -> Bool { cancelRequested.contains(id) }

    /// The stack is free again: the next queued run starts.
    func finished(_ run: Run) {
        Counter(label: "dharma_runs_total", dimensions: [("kind", run.kind.rawValue), ("state", run.state.rawValue)]).increment()
        Metrics.Timer(label: "dharma_run_duration_seconds", dimensions: [("kind", run.kind.rawValue)]).recordNanoseconds(
            Int64(max(0, run.updatedAt - run.createdAt) * 1e9))
        defer { queueDepth.record(queued.values.reduce(0) { $0 + $1.count }) }
        let key = Self.key(run)
        cancelRequested.remove(run.id)
        guard holders[key] == run.id else { return }
        if var waiting = queued[key], !waiting.isEmpty {
            let next = waiting.removeFirst()
            queued[key] = waiting
            holders[key] = next.id
            schedule(next, .plan)
        } else {
            holders[key] = nil
        }
    }

    /// Removes a run that has not started from the queue; false when it is not queued.
    func dequeue(_ id: String) -> Bool {
        for (key, runs) in queued where runs.contains(where: { $0.id == id }) {
            queued[key] = runs.filter { $0.id != id }
            return true
        }
        return false
    }

    private func schedule(_ run: Run, _ step: RunExecutor.Step) {
        ready.append((run, step))
        startReady()
    }

    private func startReady() {
        while executing < workers, !ready.isEmpty {
            let (run, step) = ready.removeFirst()
            executing += 1
            let executor = RunExecutor(coordinator: self, store: store, data: data, environment: environment)
            Task {
                await executor.execute(run.id, organisation: run.organisation, step: step)
                self.stepDone()
            }
        }
    }

    private func stepDone() {
        executing -= 1
        startReady()
    }

    // MARK: followers

    /// Lines and states of `run` from now on, until it ends.
    public func follow(_ run: String) -> AsyncStream<RunUpdate> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<RunUpdate>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        followers[run, default: [:]][id] = continuation
        continuation.onTermination = { _ in Task { await self.unfollow(run, id) } }
        return stream
    }

    private func unfollow(_ run: String, _ id: UUID) {
        followers[run]?[id] = nil
        if followers[run]?.isEmpty == true { followers[run] = nil }
    }

    /// The run's stack's project; nil (and a warning) when the store cannot say.
    private func project(of run: Run) async -> String? {
        let key = Self.key(run)
        if let known = projects[key] { return known }
        do {
            let project = try await store.stack(run.stack, in: run.organisation)?.project
            projects[key] = project
            return project
        } catch {
            warn("warning: the project of \(key) is unknown, so its run events carry none: \(error)")
            return nil
        }
    }

    func publish(_ update: RunUpdate, of run: String) async {
        if case .state(let state) = update {
            let payload: Value = .map([
                "run": .string(state.id), "state": .string(state.state.rawValue), "kind": .string(state.kind.rawValue), "actor": .string(state.actor),
                "blueprint_version": .int(state.blueprintVersion),
            ])
            let stack = "\(state.stack.name).\(state.stack.environment)"
            await events.publish(.run, organisation: state.organisation, project: await project(of: state), stack: stack, payload: payload)
        }
        let continuations = followers[run]?.values.map { $0 } ?? []
        for continuation in continuations { continuation.yield(update) }
        if case .state(let state) = update, state.state.isFinal {
            for continuation in continuations { continuation.finish() }
            followers[run] = nil
        }
    }
}
