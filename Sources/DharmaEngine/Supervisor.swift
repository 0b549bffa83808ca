import DharmaCore
import DharmaProviders
import DharmaStore

/// `dharma up`: applies the blueprint, then keeps the stack at it. Every tick it re-reads the
/// blueprint, refreshes what runs, and applies whatever differs — a dead process, an edited
/// file, a change someone saved to the blueprint. Each tick is one idempotent step toward
/// the desired state, safe to repeat, like a Kubernetes controller's reconcile.
public struct Supervisor: Sendable {
    public var engine: StackEngine
    public var path: String
    public var environment: String?
    public var variables: [String: String]
    public var interval: Duration

    public init(engine: StackEngine, path: String, environment: String?, variables: [String: String], interval: Duration = .seconds(2)) {
        self.engine = engine
        self.path = path
        self.environment = environment
        self.variables = variables
        self.interval = interval
    }

    public enum TickOutcome: Sendable, Equatable {
        case unchanged
        case applied(changes: Int, failures: [String])
        case skipped(String)
        /// Someone ran `dharma destroy`; supervising on would bring the stack back.
        case destroyed
    }

    /// One reconcile step.
    public func tick(progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) async -> TickOutcome {
        ProcessTable.reapExitedChildren()
        let prepared: StackEngine.Prepared
        do {
            prepared = try StackEngine.prepare(path: path, environment: environment, variables: variables)
        } catch {
            return .skipped("the blueprint is not valid right now (\(error)); keeping the stack as it is")
        }
        do {
            if let latest = try? await engine.store.versions(of: prepared.stack).last, latest.summary.hasPrefix("destroy:") {
                return .destroyed
            }
            let (plan, _) = try await engine.plan(prepared)
            guard plan.hasChanges else { return .unchanged }
            let report = try await engine.apply(plan, context: engine.context(for: prepared), operation: "up", progress: progress)
            return .applied(changes: plan.changes.filter { $0.action != .noop }.count,
                            failures: report.failed.map { "\($0.resource): \($0.message)" })
        } catch {
            return .skipped("\(error)")
        }
    }

    /// Reconciles until `shouldStop` says so.
    public func run(shouldStop: @escaping @Sendable () -> Bool, report: @escaping @Sendable (TickOutcome) -> Void,
                    progress: @escaping @Sendable (ApplyEvent) -> Void) async {
        while !shouldStop() {
            let outcome = await tick(progress: progress)
            if outcome != .unchanged { report(outcome) }
            if outcome == .destroyed { return }
            let deadline = ContinuousClock.now + interval
            while !shouldStop(), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
