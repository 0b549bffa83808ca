/// A project's webhook: events of the project's stacks are POSTed to `url`, signed with
/// HMAC-SHA256 under a secret the server keeps sealed and never returns.
public struct Webhook: Sendable, Codable, Hashable {
    public var id: String
    public var organisation: String
    public var project: String
    public var url: String
    /// The HMAC secret, sealed with the organisation's keys (JSON of the sealed value).
    public var sealedSecret: String
    /// The event types delivered (`run.transition`, …); empty means every type.
    public var events: [String]
    public var createdBy: String
    public var createdAt: Double

    public init(
        id: String, organisation: String, project: String, url: String, sealedSecret: String, events: [String], createdBy: String,
        createdAt: Double
    ) {
        self.id = id
        self.organisation = organisation
        self.project = project
        self.url = url
        self.sealedSecret = sealedSecret
        self.events = events
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public func wants(_ eventType: String) -> Bool { events.isEmpty || events.contains(eventType) }
}

/// One event on its way to one webhook, and every attempt's outcome so far: the delivery log.
public struct WebhookDelivery: Sendable, Codable, Hashable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Not yet delivered; `nextAttemptAt` says when it is tried again.
        case pending
        case delivered
        /// Given up: out of attempts, or refused with a 4xx that retrying will not change.
        case failed
    }

    public var id: String
    public var webhook: String
    public var organisation: String
    public var eventType: String
    /// The event's sequence on the server's bus.
    public var eventSequence: Int
    /// The JSON POSTed, byte for byte, so a redelivery sends the same.
    public var body: String
    public var state: State
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Double
    public var updatedAt: Double
    public var nextAttemptAt: Double?
    /// The delivery this one repeats, when asked for with redeliver.
    public var redeliveryOf: String?

    public init(
        id: String, webhook: String, organisation: String, eventType: String, eventSequence: Int, body: String, state: State = .pending,
        attempts: Int = 0, lastStatus: Int? = nil, lastError: String? = nil, createdAt: Double, updatedAt: Double, nextAttemptAt: Double?,
        redeliveryOf: String? = nil
    ) {
        self.id = id
        self.webhook = webhook
        self.organisation = organisation
        self.eventType = eventType
        self.eventSequence = eventSequence
        self.body = body
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.nextAttemptAt = nextAttemptAt
        self.redeliveryOf = redeliveryOf
    }
}

/// Where webhooks and their delivery logs are kept.
public protocol WebhookStore: Sendable {
    func createWebhook(_ webhook: Webhook) async throws
    func webhook(_ id: String, in organisation: String) async throws -> Webhook?
    func webhooks(in organisation: String, project: String?, _ page: PageRequest) async throws -> Page<Webhook>
    /// Every webhook of the organisation's project, for the dispatcher.
    func webhooks(of project: String, in organisation: String) async throws -> [Webhook]
    /// Deletes the webhook and its delivery log.
    func deleteWebhook(_ id: String, in organisation: String) async throws -> Bool

    func saveDelivery(_ delivery: WebhookDelivery) async throws
    func delivery(_ id: String, in organisation: String) async throws -> WebhookDelivery?
    /// Newest first.
    func deliveries(of webhook: String, in organisation: String, _ page: PageRequest) async throws -> Page<WebhookDelivery>
    /// Deliveries still to be tried, oldest first: what a restarted server picks up.
    func pendingDeliveries() async throws -> [WebhookDelivery]
}
