import DharmaAudit
import DharmaCore
import DharmaSecurity
import DharmaStore
import Foundation
import Metrics

/// Delivers events to the webhooks of the project they happened in: each delivery is recorded
/// before its first attempt, POSTed signed with HMAC-SHA256 (`X-Dharma-Signature: sha256=HEX`,
/// as the audit webhook and GitHub do), and retried with exponential backoff on network errors,
/// 408, 429 and 5xx, up to `maxAttempts`. Every attempt updates the delivery log; a restarted
/// server picks up the deliveries still pending.
public actor WebhookDispatcher {
    let store: any TenantStore
    let data: ServerData
    let warn: @Sendable (String) -> Void
    let maxAttempts: Int
    /// Seconds before the second attempt; each later wait doubles.
    let firstBackoff: Double
    private var attempting: [String: Task<Void, Never>] = [:]
    private var listener: Task<Void, Never>?
    private let outcomes = Counter(label: "dharma_webhook_attempts_total")

    public init(store: any TenantStore, data: ServerData, maxAttempts: Int = 5, firstBackoff: Double = 1, warn: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.data = data
        self.maxAttempts = max(1, maxAttempts)
        self.firstBackoff = firstBackoff
        self.warn = warn
    }

    /// Picks up pending deliveries, then delivers every event of `bus` from now on.
    public func start(bus: EventBus) async {
        do {
            for delivery in try await store.pendingDeliveries() { schedule(delivery) }
        } catch {
            warn("warning: pending webhook deliveries were not picked up: \(error)")
        }
        let events = await bus.subscribeAll()
        listener = Task { [weak self] in
            for await event in events { await self?.dispatch(event) }
        }
    }

    public func stop() {
        listener?.cancel()
        for task in attempting.values { task.cancel() }
    }

    /// What a webhook receives: the event as JSON, the same bytes on every attempt.
    static func body(_ event: ServerEvent) -> String {
        var object: [String: Value] = [
            "type": .string(event.kind.rawValue), "sequence": .int(event.sequence), "organisation": .string(event.organisation),
            "time": .double(event.time), "payload": event.payload,
        ]
        object["project"] = event.project.map(Value.string) ?? .null
        object["stack"] = event.stack.map(Value.string) ?? .null
        return Value.map(object).compactJSON
    }

    private func dispatch(_ event: ServerEvent) async {
        guard let project = event.project else { return }
        do {
            for webhook in try await store.webhooks(of: project, in: event.organisation) where webhook.wants(event.kind.rawValue) {
                _ = try await enqueue(webhook, type: event.kind.rawValue, sequence: event.sequence, body: Self.body(event))
            }
        } catch {
            warn("warning: event \(event.sequence) of \(event.organisation) was not queued for its webhooks: \(error)")
        }
    }

    /// Records a new delivery of `body` and starts attempting it.
    func enqueue(_ webhook: Webhook, type: String, sequence: Int, body: String, redeliveryOf: String? = nil) async throws -> WebhookDelivery {
        let now = Date().timeIntervalSince1970
        let delivery = WebhookDelivery(
            id: "whd-" + APITokenSecret.identifier(), webhook: webhook.id, organisation: webhook.organisation, eventType: type,
            eventSequence: sequence, body: body, createdAt: now, updatedAt: now, nextAttemptAt: now, redeliveryOf: redeliveryOf)
        try await store.saveDelivery(delivery)
        schedule(delivery)
        return delivery
    }

    private func schedule(_ delivery: WebhookDelivery) {
        attempting[delivery.id] = Task { await self.attempt(delivery) }
    }

    /// Attempts until delivered or given up; each attempt is saved as it ends.
    private func attempt(_ first: WebhookDelivery) async {
        var delivery = first
        defer { attempting[first.id] = nil }
        do {
            guard let webhook = try await store.webhook(delivery.webhook, in: delivery.organisation), let url = URL(string: webhook.url) else {
                delivery.state = .failed
                delivery.lastError = "the webhook was deleted"
                try await store.saveDelivery(delivery)
                return
            }
            let secret = try await WebhookService.openSecret(of: webhook, data: data)
            let poster = WebhookPoster(attempts: 1, timeout: 10)
            while delivery.state == .pending, !Task.isCancelled {
                if let next = delivery.nextAttemptAt, next > Date().timeIntervalSince1970 {
                    try await Task.sleep(for: .seconds(next - Date().timeIntervalSince1970))
                }
                let body = Data(delivery.body.utf8)
                let answer = await poster.once(
                    body, to: url,
                    headers: [
                        AuditWebhook.signatureHeader: AuditWebhook.signature(of: body, secret: secret), "X-Dharma-Event": delivery.eventType,
                        "X-Dharma-Delivery": delivery.id, "User-Agent": "dharma-webhook",
                    ])
                outcomes.increment()
                delivery.attempts += 1
                delivery.updatedAt = Date().timeIntervalSince1970
                delivery.lastStatus = answer.status
                delivery.lastError = answer.status == nil ? answer.problem : nil
                if let status = answer.status, (200..<300).contains(status) {
                    delivery.state = .delivered
                    delivery.nextAttemptAt = nil
                } else if delivery.attempts >= maxAttempts || answer.status.map({ !WebhookPoster.isWorthRetrying($0) }) == true {
                    delivery.state = .failed
                    delivery.nextAttemptAt = nil
                } else {
                    delivery.nextAttemptAt = delivery.updatedAt + firstBackoff * pow(2, Double(delivery.attempts - 1))
                }
                try await store.saveDelivery(delivery)
            }
        } catch is CancellationError {
            return
        } catch {
            warn("warning: webhook delivery \(delivery.id) stopped: \(error)")
        }
    }
}
