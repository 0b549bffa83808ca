import DharmaCore
import DharmaSecurity
import DharmaStore
import Foundation

/// A project's webhooks, managed by the organisation's admins: register one (its secret is
/// sealed and never shown again), list them, read each one's delivery log, redeliver a
/// delivery, send a ping, delete. Deliveries themselves are `WebhookDispatcher`'s.
public struct WebhookService: Sendable {
    public var tenants: TenantService
    public var dispatcher: WebhookDispatcher

    public init(tenants: TenantService, dispatcher: WebhookDispatcher) {
        self.tenants = tenants
        self.dispatcher = dispatcher
    }

    var store: any TenantStore { tenants.store }

    public func create(in organisation: String, project: String, url: String, secret: String, events: [String]) async throws(ServiceError) -> Webhook {
        _ = try await tenants.access.require(.administer, in: organisation, to: "manage webhooks")
        _ = try await tenants.project(project, in: organisation)
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host?.isEmpty == false,
            url.unicodeScalars.count <= 2048
        else { throw .unprocessable("url `\(url.prefix(100))`: an http(s) URL of at most 2,048 characters", pointer: "/url") }
        guard (16...256).contains(secret.unicodeScalars.count) else {
            throw .invalidInput("secret: 16 to 256 characters, shared with the receiver to check X-Dharma-Signature", pointer: "/secret")
        }
        let known = Set(ServerEvent.Kind.allCases.map(\.rawValue))
        if let unknown = events.first(where: { !known.contains($0) }) {
            throw .invalidInput("event type `\(unknown)`: one of \(known.sorted().joined(separator: ", "))", pointer: "/events")
        }
        let id = "whk-" + APITokenSecret.identifier()
        let sealed = try await serviceCall(doing: "sealing the webhook's secret") {
            let value = try await tenants.data.serverState.store().seal(.string(secret), in: Self.sealingScope(organisation))
            return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        }
        let webhook = Webhook(
            id: id, organisation: organisation, project: project, url: url, sealedSecret: sealed, events: Array(Set(events)).sorted(),
            createdBy: tenants.context.principal.name, createdAt: Date().timeIntervalSince1970)
        try await serviceCall { try await store.createWebhook(webhook) }
        try await tenants.recordOrganisation(organisation, action: "webhook-created", reason: "\(id) for project \(project) → \(parsed.host ?? "")")
        return webhook
    }

    public func list(in organisation: String, project: String?, _ page: PageRequest) async throws(ServiceError) -> Page<Webhook> {
        _ = try await tenants.access.require(.administer, in: organisation, to: "list webhooks")
        if let project { _ = try await tenants.project(project, in: organisation) }
        return try await serviceCall { try await store.webhooks(in: organisation, project: project, page) }
    }

    public func webhook(_ id: String, in organisation: String) async throws(ServiceError) -> Webhook {
        _ = try await tenants.access.require(.administer, in: organisation, to: "read webhooks")
        return try await existing(id, in: organisation)
    }

    public func delete(_ id: String, in organisation: String) async throws(ServiceError) {
        _ = try await tenants.access.require(.administer, in: organisation, to: "delete webhooks")
        let deleted = try await serviceCall { try await store.deleteWebhook(id, in: organisation) }
        guard deleted else { throw .notFound("webhook `\(id)` not found") }
        try await tenants.recordOrganisation(organisation, action: "webhook-deleted", reason: id)
    }

    public func deliveries(of id: String, in organisation: String, _ page: PageRequest) async throws(ServiceError) -> Page<WebhookDelivery> {
        _ = try await tenants.access.require(.administer, in: organisation, to: "read webhook deliveries")
        _ = try await existing(id, in: organisation)
        return try await serviceCall { try await store.deliveries(of: id, in: organisation, page) }
    }

    /// Sends a delivery's body again, as a new delivery that names the first.
    public func redeliver(_ deliveryID: String, of id: String, in organisation: String) async throws(ServiceError) -> WebhookDelivery {
        _ = try await tenants.access.require(.administer, in: organisation, to: "redeliver webhook deliveries")
        let webhook = try await existing(id, in: organisation)
        guard let original = try await serviceCall({ try await store.delivery(deliveryID, in: organisation) }), original.webhook == id else {
            throw .notFound("delivery `\(deliveryID)` of webhook `\(id)` not found")
        }
        return try await serviceCall {
            try await dispatcher.enqueue(
                webhook, type: original.eventType, sequence: original.eventSequence, body: original.body, redeliveryOf: original.id)
        }
    }

    /// A `ping` event, to check the receiver and its secret.
    public func ping(_ id: String, in organisation: String) async throws(ServiceError) -> WebhookDelivery {
        _ = try await tenants.access.require(.administer, in: organisation, to: "ping webhooks")
        let webhook = try await existing(id, in: organisation)
        let body = Value.map([
            "type": .string("ping"), "organisation": .string(organisation), "project": .string(webhook.project), "webhook": .string(id),
            "time": .double(Date().timeIntervalSince1970),
        ]).compactJSON
        return try await serviceCall { try await dispatcher.enqueue(webhook, type: "ping", sequence: 0, body: body) }
    }

    private func existing(_ id: String, in organisation: String) async throws(ServiceError) -> Webhook {
        guard let webhook = try await serviceCall({ try await store.webhook(id, in: organisation) }) else { throw .notFound("webhook `\(id)` not found") }
        return webhook
    }

    /// Secrets of webhooks are sealed in the server's own state, under one data key per
    /// organisation: they are the server's to use, and no tenant's state lists them.
    static func sealingScope(_ organisation: String) -> StackID { StackID(name: "webhooks", environment: organisation) }

    static func openSecret(of webhook: Webhook, data: ServerData) async throws -> Data {
        let sealed = try JSONDecoder().decode(Value.self, from: Data(webhook.sealedSecret.utf8))
        guard case .string(let secret) = try await data.serverState.store().unseal(sealed, in: sealingScope(webhook.organisation)) else {
            throw ServiceError.failed("the secret of webhook \(webhook.id) is not text")
        }
        return Data(secret.utf8)
    }
}
