import DharmaAutopilot
import DharmaCore
import DharmaStore
import Foundation
import Synchronization

/// Supervision inside the server, as `dharma up` does on one machine: a stack whose blueprint
/// gives the autopilot something to act on or watch (a `health`, `heal` or `slo`) is supervised once
/// an apply run applied it, until a destroy run removes it or the server stops; a restarted
/// server supervises again what it supervised. Incident changes are published as events, so
/// `/v1/events` and webhooks see them.
public actor StackSupervisor {
    let store: any TenantStore
    let data: ServerData
    let environment: [String: String]
    let events: EventBus
    let warn: @Sendable (String) -> Void
    /// The health each supervised stack scored last, for pages that list many stacks.
    public nonisolated let scores = HealthBoard()
    /// Supervised stacks (`ORG/NAME.ENV`) and how to stop each.
    private var supervised: [String: (task: Task<Void, Never>, stop: StopFlag)] = [:]
    private var listener: Task<Void, Never>?

    /// Set once to ask a supervision loop to end.
    final class StopFlag: Sendable {
        private let flag = Mutex(false)
        func set() { flag.withLock { $0 = true } }
        var isSet: Bool { flag.withLock { $0 } }
    }

    public init(store: any TenantStore, data: ServerData, environment: [String: String], events: EventBus, warn: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.data = data
        self.environment = environment
        self.events = events
        self.warn = warn
    }

    /// Supervises what was applied last, then follows runs: an applied apply starts
    /// supervision, an applied destroy ends it.
    public func start() async {
        do {
            for run in try await store.newestRuns() where run.kind == .apply && run.state == .applied {
                if let stack = try await store.stack(run.stack, in: run.organisation) { await supervise(stack) }
            }
        } catch {
            warn("warning: stacks applied before the restart are not supervised: \(error)")
        }
        let stream = await events.subscribeAll()
        listener = Task { [weak self] in
            for await event in stream where event.kind == .run {
                guard case .map(let fields) = event.payload, case .string(let state)? = fields["state"], state == RunState.applied.rawValue,
                    case .string(let kind)? = fields["kind"], let reference = event.stack
                else { continue }
                await self?.follow(RunKind(rawValue: kind), reference: reference, organisation: event.organisation)
            }
        }
    }

    public func stopAll() {
        listener?.cancel()
        for (_, entry) in supervised { entry.stop.set() }
    }

    private func follow(_ kind: RunKind?, reference: String, organisation: String) async {
        let key = "\(organisation)/\(reference)"
        if kind == .destroy {
            supervised.removeValue(forKey: key)?.stop.set()
            return
        }
        guard kind == .apply else { return }
        do {
            guard let stack = try await store.stack(try TenantService.stackID(reference), in: organisation) else { return }
            await supervise(stack)
        } catch {
            warn("warning: \(key) is not supervised: \(error)")
        }
    }

    /// Starts supervising the stack unless it already is, or its blueprint gives the autopilot nothing to do.
    func supervise(_ stack: ManagedStack) async {
        let key = "\(stack.organisation)/\(stack.reference)"
        guard supervised[key] == nil else { return }
        let principal = Principal(
            name: "dharma-server", authentication: .server, permissions: [.read, .plan, .apply], memberships: [stack.organisation: .operator])
        let tenants = TenantService(context: ServiceContext(principal: principal, environment: environment, warn: warn), store: store, data: data)
        let input: BlueprintInput
        do {
            input = try await tenants.input(for: stack).input
        } catch {
            warn("warning: \(key) is not supervised: \(error)")
            return
        }
        let blueprint = BlueprintLoader().load(path: input.path).blueprint
        guard let blueprint, Self.givesTheAutopilotWork(blueprint) else { return }
        let stop = StopFlag()
        let context = tenants.context
        let selector = StackSelector(stack: stack.stack.name, environment: stack.stack.environment, state: input.state)
        let task = Task { [warn, scores] in
            do {
                try await SupervisionService(context: context).run(
                    SupervisionService.Request(blueprint: input, reason: "supervised by the server"), shouldStop: { stop.isSet }
                ) { event in
                    switch event {
                    case .tick(let report) where report.destroyed:
                        stop.set()
                    case .tick(let report):
                        if let health = report.health { scores.record(health, of: stack.stack, in: stack.organisation) }
                    case .warning(let text):
                        warn("warning: \(key): \(text)")
                    default:
                        break
                    }
                }
            } catch {
                warn("warning: supervision of \(key) ended: \(error)")
            }
            scores.forget(stack.stack, in: stack.organisation)
        }
        supervised[key] = (task, stop)
        watchIncidents(stack, selector: selector, context: context, stop: stop)
    }

    /// Health checks and healing settings are for the autopilot to act on; service-level
    /// objectives for it to watch.
    static func givesTheAutopilotWork(_ blueprint: Blueprint) -> Bool {
        blueprint.metadata.extra["slo"] != nil || blueprint.resources.contains { $0.properties.contains { ["health", "heal", "slo"].contains($0.name) } }
    }

    /// Publishes each incident of the stack whose status, phase or attempts changed, every second.
    private func watchIncidents(_ stack: ManagedStack, selector: StackSelector, context: ServiceContext, stop: StopFlag) {
        Task { [events, warn] in
            var seen: [Int: String] = [:]
            while !stop.isSet, !Task.isCancelled {
                do {
                    for incident in try await IncidentService(context: context).list(selector, limit: 50) {
                        let fingerprint = "\(incident.status.rawValue)/\(incident.phase.rawValue)/\(incident.attempts)/\(incident.approvedBy ?? "")"
                        guard seen[incident.id] != fingerprint else { continue }
                        seen[incident.id] = fingerprint
                        await events.publish(
                            .incident, organisation: stack.organisation, project: stack.project, stack: stack.reference,
                            payload: ManagedStackService.payload(incident))
                    }
                } catch ServiceError.notFound {
                    // Nothing recorded yet.
                } catch {
                    warn("warning: incidents of \(stack.reference) were not read: \(error)")
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
