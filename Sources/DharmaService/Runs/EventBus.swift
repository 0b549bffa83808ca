import DharmaCore
import DharmaStore
import Foundation
import Metrics

/// What happened in an organisation, for clients that follow it live (`/v1/orgs/ORG/events`):
/// run transitions and entries on its audit log.
public struct ServerEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case run = "run.transition"
        case audit = "audit.entry"
    }

    /// Increasing within the server process, so a client resumes after the last it saw.
    public var sequence: Int
    public var organisation: String
    /// `NAME.ENVIRONMENT`, when the event is about one stack.
    public var stack: String?
    public var kind: Kind
    public var time: Double
    public var payload: Value
}

/// Fans events out to every subscriber of their organisation, each with its filter. A slow
/// subscriber loses its oldest undelivered events (it keeps the newest 1,000), never slows the
/// server; the last 1,000 events per organisation are kept for clients that resume.
public actor EventBus {
    public struct Filter: Sendable, Hashable {
        public var stack: String?
        public var kinds: Set<ServerEvent.Kind>

        public init(stack: String? = nil, kinds: Set<ServerEvent.Kind> = Set(ServerEvent.Kind.allCases)) {
            self.stack = stack
            self.kinds = kinds
        }

        func matches(_ event: ServerEvent) -> Bool {
            kinds.contains(event.kind) && (stack == nil || event.stack == stack)
        }
    }

    private var sequence = 0
    private var recent: [String: [ServerEvent]] = [:]
    private var subscribers: [String: [UUID: (Filter, AsyncStream<ServerEvent>.Continuation)]] = [:]
    private let subscriberGauge = Gauge(label: "dharma_event_subscribers")

    public init() {}

    public func publish(_ kind: ServerEvent.Kind, organisation: String, stack: String?, payload: Value) {
        sequence += 1
        let event = ServerEvent(sequence: sequence, organisation: organisation, stack: stack, kind: kind, time: Date().timeIntervalSince1970, payload: payload)
        recent[organisation, default: []].append(event)
        if let count = recent[organisation]?.count, count > 1000 { recent[organisation]?.removeFirst(count - 1000) }
        for (filter, continuation) in subscribers[organisation]?.values ?? [:].values where filter.matches(event) { continuation.yield(event) }
    }

    /// The events after `after` still kept, then every new one, until the subscriber goes.
    func subscribe(_ organisation: String, filter: Filter, after: Int?) -> AsyncStream<ServerEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<ServerEvent>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        if let after {
            for event in recent[organisation] ?? [] where event.sequence > after && filter.matches(event) { continuation.yield(event) }
        }
        subscribers[organisation, default: [:]][id] = (filter, continuation)
        subscriberGauge.record(subscriberCount)
        continuation.onTermination = { _ in Task { await self.unsubscribe(organisation, id) } }
        return stream
    }

    private func unsubscribe(_ organisation: String, _ id: UUID) {
        subscribers[organisation]?[id] = nil
        subscriberGauge.record(subscriberCount)
    }

    /// How many clients follow events now, for `/metrics`.
    public var subscriberCount: Int { subscribers.values.reduce(0) { $0 + $1.count } }
}

extension TenantService {
    /// Events of `organisation` for a caller holding `read` there.
    public func events(of organisation: String, filter: EventBus.Filter, after: Int?, bus: EventBus) async throws(ServiceError) -> AsyncStream<
        ServerEvent
    > {
        _ = try await access.require(.read, in: organisation, to: "follow events")
        return await bus.subscribe(organisation, filter: filter, after: after)
    }
}
