import DharmaCore
import Foundation
import GRDB

/// Each organisation's policy enforcement levels, in the control database, as JSON.
extension SQLiteTenantStore {
    static func registerPolicyMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-policy-enforcement") { db in
            try db.execute(
                sql: """
                    CREATE TABLE policy_enforcement (
                        organisation TEXT PRIMARY KEY REFERENCES organisations(name), body TEXT NOT NULL, updated_at REAL NOT NULL);
                    """)
        }
    }

    public func enforcement(of organisation: String) async throws -> PolicyEnforcement? {
        let body = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM policy_enforcement WHERE organisation = ?", arguments: [organisation])
        }
        guard let body else { return nil }
        do {
            return try JSONDecoder().decode(PolicyEnforcement.self, from: Data(body.utf8))
        } catch {
            throw StoreError("the policy enforcement of \(organisation) is unreadable: \(error)")
        }
    }

    public func setEnforcement(_ enforcement: PolicyEnforcement, of organisation: String) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = String(decoding: try encoder.encode(enforcement), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO policy_enforcement (organisation, body, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (organisation) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                    """, arguments: [organisation, body, Date().timeIntervalSince1970])
        }
    }
}
