import Foundation
import GRDB

/// Users' registered approval keys, in the control database.
extension SQLiteTenantStore {
    static func registerApprovalKeyMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-approval-keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE approval_keys (
                        user TEXT PRIMARY KEY REFERENCES users(name), keys TEXT NOT NULL, updated_at REAL NOT NULL);
                    """)
        }
    }

    public func approvalKeys(of user: String) async throws -> [String] {
        let body = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT keys FROM approval_keys WHERE user = ?", arguments: [user])
        }
        guard let body else { return [] }
        do {
            return try JSONDecoder().decode([String].self, from: Data(body.utf8))
        } catch {
            throw StoreError("the approval keys of \(user) are unreadable: \(error)")
        }
    }

    public func setApprovalKeys(_ keys: [String], of user: String) async throws {
        let body = String(decoding: try JSONEncoder().encode(keys), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO approval_keys (user, keys, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (user) DO UPDATE SET keys = excluded.keys, updated_at = excluded.updated_at
                    """, arguments: [user, body, Date().timeIntervalSince1970])
        }
    }
}
