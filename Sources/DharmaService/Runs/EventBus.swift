import DharmaCore
import DharmaStore
import Foundation
import Metrics

/// What happened in an organisation, for clients that follow it live (`/v1/events`,
/// `/v1/orgs/ORG/events`): run transitions, entries on its audit log, incident changes and
/// drift found.
public struct ServerEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case run = "run.transition"
        case audit = "audit.entry"
        case incident = "incident.changed"
        case drift = "drift.detected"
    }

    /// Increasing within the server process, so a client resumes after the last it saw.
    public var sequence: Int
    public var organisation: String
    /// `NAME.ENVIRONMENT`, when the event is about one stack.
    public var stack: String?
    /// The project that stack belongs to.
    public var project: String?
    public var kind: Kind
    public var time: Double
    public var payload: Value
}

/// Fans events out to every subscriber of their organisation, each with its filter. A slow
/// subscriber loses its oldest undelivered events (it keeps the newest 1,000), never slows the
/// server; the last 1,000 events per organisation are kept for clients that resume.
public actor EventBus {
    public struct Filter: Sendable, Hashable {
        public var project: String?
        public var stack: String?
        public var kinds: Set<ServerEvent.Kind>

        public init(project: String? = nil, stack: String? = nil, kinds: Set<ServerEvent.Kind> = Set(ServerEvent.Kind.allCases)) {
            self.project = project
            self.stack = stack
            self.kinds = kinds
        }

        func matches(_ event: ServerEvent) -> Bool {
            kinds.contains(event.kind) && (stack == nil || event.stack == stack) && (project == nil || event.project == project)
        }
    }

    private struct Subscriber {
        var organisations: Set<String>
        var filter: Filter
        var continuation: AsyncStream<ServerEvent>.Continuation
    }

    private var sequence = 0
    private var recent: [String: [ServerEvent]] = [:]
    /// Per organisation, so an event is matched only against those who follow its organisation.
    private var subscribers: [String: [UUID: Subscriber]] = [:]
    /// The server's own consumers of every organisation's events (webhook delivery).
    private var firehose: [UUID: AsyncStream<ServerEvent>.Continuation] = [:]
    private let subscriberGauge = Gauge(label: "dharma_event_subscribers")

    public init() {}

    public func publish(_ kind: ServerEvent.Kind, organisation: String, project: String? = nil, stack: String?, payload: Value) {
        sequence += 1
        let event = ServerEvent(
            sequence: sequence, organisation: organisation, stack: stack, project: project, kind: kind, time: Date().timeIntervalSince1970,
            payload: payload)
        recent[organisation, default: []].append(event)
        if let count = recent[organisation]?.count, count > 1000 { recent[organisation]?.removeFirst(count - 1000) }
        for subscriber in subscribers[organisation]?.values ?? [:].values where subscriber.filter.matches(event) {
            subscriber.continuation.yield(event)
        }
        for continuation in firehose.values { continuation.yield(event) }
    }

    /// Every event of every organisation from now on: for the server itself, never a client.
    func subscribeAll() -> AsyncStream<ServerEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<ServerEvent>.makeStream(bufferingPolicy: .bufferingNewest(100_000))
        firehose[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribeAll(id) } }
        return stream
    }

    private func unsubscribeAll(_ id: UUID) {
        firehose[id] = nil
    }

    /// The events of `organisations` after `after` still kept, in order, then every new one,
    /// until the subscriber goes.
    func subscribe(_ organisations: Set<String>, filter: Filter, after: Int?) -> AsyncStream<ServerEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<ServerEvent>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        if let after {
            let kept = organisations.flatMap { recent[$0] ?? [] }.filter { $0.sequence > after && filter.matches($0) }
            for event in kept.sorted(by: { $0.sequence < $1.sequence }) { continuation.yield(event) }
        }
        for organisation in organisations {
            subscribers[organisation, default: [:]][id] = Subscriber(organisations: organisations, filter: filter, continuation: continuation)
        }
        subscriberGauge.record(subscriberCount)
        continuation.onTermination = { _ in Task { await self.unsubscribe(organisations, id) } }
        return stream
    }

    private func unsubscribe(_ organisations: Set<String>, _ id: UUID) {
        for organisation in organisations { subscribers[organisation]?[id] = nil }
        subscriberGauge.record(subscriberCount)
    }

    /// How many clients follow events now, for `/metrics`: one following three organisations counts once.
    public var subscriberCount: Int { Set(subscribers.values.flatMap(\.keys)).count }
}

extension TenantService {
    /// Events of `organisation`, or with nil of every organisation the caller belongs to, for
    /// a caller holding `read` there.
    public func events(of organisation: String?, filter: EventBus.Filter, after: Int?, bus: EventBus) async throws(ServiceError) -> AsyncStream<
        ServerEvent
    > {
        var organisations: Set<String> = []
        if let organisation {
            _ = try await access.require(.read, in: organisation, to: "follow events")
            organisations = [organisation]
        } else {
            organisations = Set(context.principal.memberships.keys.filter { context.principal.scoped(to: $0).may(.read) })
        }
        if let project = filter.project, let organisation {
            _ = try await self.project(project, in: organisation)
        }
        return await bus.subscribe(organisations, filter: filter, after: after)
    }
}
