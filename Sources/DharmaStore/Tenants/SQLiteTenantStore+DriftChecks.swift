import DharmaCore
import Foundation
import GRDB

/// Each stack's newest drift check, in the control database, as JSON beside its key columns.
extension SQLiteTenantStore {
    static func registerDriftCheckMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-drift-checks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE drift_checks (
                        organisation TEXT NOT NULL, stack_name TEXT NOT NULL, environment TEXT NOT NULL, body TEXT NOT NULL,
                        PRIMARY KEY (organisation, stack_name, environment),
                        FOREIGN KEY (organisation, stack_name, environment) REFERENCES stacks(organisation, name, environment));
                    """)
        }
    }

    public func recordDriftCheck(_ check: DriftCheck) async throws {
        let body = String(decoding: try JSONEncoder().encode(check), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO drift_checks (organisation, stack_name, environment, body) VALUES (?, ?, ?, ?)
                    ON CONFLICT (organisation, stack_name, environment) DO UPDATE SET body = excluded.body
                    """, arguments: [check.organisation, check.stack.name, check.stack.environment, body])
        }
    }

    public func driftChecks(in organisation: String) async throws -> [StackID: DriftCheck] {
        let bodies = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM drift_checks WHERE organisation = ?", arguments: [organisation])
        }
        var checks: [StackID: DriftCheck] = [:]
        for body in bodies {
            do {
                let check = try JSONDecoder().decode(DriftCheck.self, from: Data(body.utf8))
                checks[check.stack] = check
            } catch {
                throw StoreError("a stored drift check of \(organisation) is unreadable: \(error)")
            }
        }
        return checks
    }
}
