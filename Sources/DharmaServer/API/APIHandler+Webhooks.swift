import DharmaAPI
import DharmaService
import DharmaStore
import Foundation
import OpenAPIRuntime

/// Webhooks of projects, and their delivery logs.
extension APIHandler {
    func webhookService() throws(ServiceError) -> WebhookService {
        WebhookService(tenants: try tenants(), dispatcher: webhooks)
    }

    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        await respond(Operations.ListWebhooks.Output.default) { () throws(ServiceError) in
            let page = try await webhookService().list(
                in: input.path.org, project: input.path.project, try Cursor.page(input.query.cursor, input.query.limit))
            return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Webhook.init), nextCursor: Cursor.encode(page.next)))))
        }
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        await respond(Operations.CreateWebhook.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            let webhook = try await webhookService().create(
                in: input.path.org, project: input.path.project, url: body.url, secret: body.secret, events: (body.events ?? []).map(\.rawValue))
            return .created(.init(body: .json(.init(webhook))))
        }
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        await respond(Operations.GetWebhook.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(.init(try await webhookService().webhook(input.path.webhook, in: input.path.org)))))
        }
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        await respond(Operations.DeleteWebhook.Output.default) { () throws(ServiceError) in
            try await webhookService().delete(input.path.webhook, in: input.path.org)
            return .noContent(.init())
        }
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        await respond(Operations.ListWebhookDeliveries.Output.default) { () throws(ServiceError) in
            let page = try await webhookService().deliveries(
                of: input.path.webhook, in: input.path.org, try Cursor.page(input.query.cursor, input.query.limit))
            return .ok(
                .init(body: .json(.init(items: page.items.map(Components.Schemas.WebhookDelivery.init), nextCursor: Cursor.encode(page.next)))))
        }
    }

    func redeliverWebhookDelivery(_ input: Operations.RedeliverWebhookDelivery.Input) async throws -> Operations.RedeliverWebhookDelivery.Output {
        await respond(Operations.RedeliverWebhookDelivery.Output.default) { () throws(ServiceError) in
            let delivery = try await webhookService().redeliver(input.path.delivery, of: input.path.webhook, in: input.path.org)
            return .accepted(.init(body: .json(.init(delivery))))
        }
    }

    func pingWebhook(_ input: Operations.PingWebhook.Input) async throws -> Operations.PingWebhook.Output {
        await respond(Operations.PingWebhook.Output.default) { () throws(ServiceError) in
            .accepted(.init(body: .json(.init(try await webhookService().ping(input.path.webhook, in: input.path.org)))))
        }
    }
}

extension Components.Schemas.Webhook {
    init(_ webhook: Webhook) {
        self.init(
            id: webhook.id, project: webhook.project, url: webhook.url, events: webhook.events, createdBy: webhook.createdBy,
            createdAt: Date(epoch: webhook.createdAt))
    }
}

extension Components.Schemas.WebhookDelivery {
    init(_ delivery: WebhookDelivery) {
        self.init(
            id: delivery.id, webhook: delivery.webhook, event: delivery.eventType, sequence: delivery.eventSequence,
            state: .init(rawValue: delivery.state.rawValue) ?? .failed, attempts: delivery.attempts, lastStatus: delivery.lastStatus,
            lastError: delivery.lastError, nextAttemptAt: delivery.nextAttemptAt.map(Date.init(epoch:)), redeliveryOf: delivery.redeliveryOf,
            createdAt: Date(epoch: delivery.createdAt), updatedAt: Date(epoch: delivery.updatedAt))
    }
}
