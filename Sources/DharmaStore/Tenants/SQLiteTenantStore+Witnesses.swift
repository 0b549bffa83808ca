import Foundation
import GRDB

/// Each organisation's witnesses, in the control database, as JSON beside their key columns.
extension SQLiteTenantStore {
    static func registerWitnessMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-witnesses") { db in
            try db.execute(
                sql: """
                    CREATE TABLE log_witnesses (
                        organisation TEXT NOT NULL REFERENCES organisations(name), name TEXT NOT NULL, body TEXT NOT NULL,
                        PRIMARY KEY (organisation, name));
                    """)
        }
    }

    public func saveWitness(_ witness: LogWitness) async throws {
        let body = String(decoding: try JSONEncoder().encode(witness), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO log_witnesses (organisation, name, body) VALUES (?, ?, ?)
                    ON CONFLICT (organisation, name) DO UPDATE SET body = excluded.body
                    """, arguments: [witness.organisation, witness.name, body])
        }
    }

    public func witnesses(of organisation: String) async throws -> [LogWitness] {
        let bodies = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM log_witnesses WHERE organisation = ? ORDER BY name", arguments: [organisation])
        }
        return try bodies.map { body in
            do {
                return try JSONDecoder().decode(LogWitness.self, from: Data(body.utf8))
            } catch {
                throw StoreError("a stored witness of \(organisation) is unreadable: \(error)")
            }
        }
    }

    public func removeWitness(_ name: String, of organisation: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM log_witnesses WHERE organisation = ? AND name = ?", arguments: [organisation, name])
            return db.changesCount > 0
        }
    }
}
