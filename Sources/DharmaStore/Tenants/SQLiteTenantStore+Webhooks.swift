import DharmaCore
import Foundation
import GRDB

/// Webhooks and their delivery logs, in the control database. Rows keep the record as JSON
/// beside the columns queries filter on, as runs do.
extension SQLiteTenantStore {
    static func registerWebhookMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-webhooks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhooks (
                        id TEXT PRIMARY KEY, organisation TEXT NOT NULL, project TEXT NOT NULL, body TEXT NOT NULL,
                        FOREIGN KEY (organisation, project) REFERENCES projects(organisation, name));
                    CREATE INDEX webhooks_by_project ON webhooks (organisation, project);
                    CREATE TABLE webhook_deliveries (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                        webhook TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                        organisation TEXT NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL);
                    CREATE INDEX deliveries_by_webhook ON webhook_deliveries (webhook, seq);
                    CREATE INDEX deliveries_by_state ON webhook_deliveries (state, seq);
                    """)
        }
    }

    public func createWebhook(_ webhook: Webhook) async throws {
        let body = try Self.json(webhook)
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO webhooks (id, organisation, project, body) VALUES (?, ?, ?, ?)",
                arguments: [webhook.id, webhook.organisation, webhook.project, body])
        }
    }

    public func webhook(_ id: String, in organisation: String) async throws -> Webhook? {
        let body = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM webhooks WHERE id = ? AND organisation = ?", arguments: [id, organisation])
        }
        return try body.map { try Self.decode(Webhook.self, $0) }
    }

    public func webhooks(in organisation: String, project: String?, _ page: PageRequest) async throws -> Page<Webhook> {
        let bodies = try await database.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT body FROM webhooks WHERE organisation = ? AND (? IS NULL OR project = ?) AND id > ? ORDER BY id LIMIT ?",
                arguments: [organisation, project, project, page.after ?? "", page.limit + 1])
        }
        return Self.page(try bodies.map { try Self.decode(Webhook.self, $0) }, limit: page.limit) { $0.id }
    }

    public func webhooks(of project: String, in organisation: String) async throws -> [Webhook] {
        let bodies = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM webhooks WHERE organisation = ? AND project = ? ORDER BY id", arguments: [organisation, project])
        }
        return try bodies.map { try Self.decode(Webhook.self, $0) }
    }

    public func deleteWebhook(_ id: String, in organisation: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM webhooks WHERE id = ? AND organisation = ?", arguments: [id, organisation])
            return db.changesCount > 0
        }
    }

    public func saveDelivery(_ delivery: WebhookDelivery) async throws {
        let body = try Self.json(delivery)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_deliveries (id, webhook, organisation, state, body) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body
                    """, arguments: [delivery.id, delivery.webhook, delivery.organisation, delivery.state.rawValue, body])
        }
    }

    public func delivery(_ id: String, in organisation: String) async throws -> WebhookDelivery? {
        let body = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM webhook_deliveries WHERE id = ? AND organisation = ?", arguments: [id, organisation])
        }
        return try body.map { try Self.decode(WebhookDelivery.self, $0) }
    }

    public func deliveries(of webhook: String, in organisation: String, _ page: PageRequest) async throws -> Page<WebhookDelivery> {
        let rows = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, body FROM webhook_deliveries WHERE webhook = ? AND organisation = ? AND seq < ?
                    ORDER BY seq DESC LIMIT ?
                    """, arguments: [webhook, organisation, page.after.flatMap(Int64.init) ?? Int64.max, page.limit + 1]
            ).map { row -> (seq: Int64, body: String) in (row["seq"], row["body"]) }
        }
        let deliveries = try rows.map { ($0.seq, try Self.decode(WebhookDelivery.self, $0.body)) }
        let page = Self.page(deliveries, limit: page.limit) { String($0.0) }
        return Page(items: page.items.map(\.1), next: page.next)
    }

    public func pendingDeliveries() async throws -> [WebhookDelivery] {
        let bodies = try await database.read { db in
            try String.fetchAll(
                db, sql: "SELECT body FROM webhook_deliveries WHERE state = ? ORDER BY seq", arguments: [WebhookDelivery.State.pending.rawValue])
        }
        return try bodies.map { try Self.decode(WebhookDelivery.self, $0) }
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ body: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.utf8))
        } catch {
            throw StoreError("a stored \(type) is unreadable: \(error)")
        }
    }
}
