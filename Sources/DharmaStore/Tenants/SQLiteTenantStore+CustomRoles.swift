import Foundation
import GRDB

/// Organisations' custom roles, in the control database.
extension SQLiteTenantStore {
    static func registerCustomRoleMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-custom-roles") { db in
            try db.execute(
                sql: """
                    CREATE TABLE custom_roles (
                        organisation TEXT NOT NULL REFERENCES organisations(name), name TEXT NOT NULL,
                        permissions TEXT NOT NULL, created_at REAL NOT NULL, PRIMARY KEY (organisation, name));
                    """)
        }
    }

    public func customRoles(in organisation: String) async throws -> [CustomRole] {
        let rows = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM custom_roles WHERE organisation = ? ORDER BY name", arguments: [organisation])
                .map { (name: $0["name"] as String, permissions: $0["permissions"] as String, createdAt: $0["created_at"] as Double) }
        }
        return try rows.map { row in
            guard let name = Role(rawValue: row.name), let permissions = try? JSONDecoder().decode([String].self, from: Data(row.permissions.utf8)) else {
                throw StoreError("the custom role `\(row.name)` of \(organisation) is unreadable")
            }
            return CustomRole(organisation: organisation, name: name, permissions: permissions, createdAt: row.createdAt)
        }
    }

    public func saveCustomRole(_ role: CustomRole) async throws {
        let permissions = String(decoding: try JSONEncoder().encode(role.permissions), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO custom_roles (organisation, name, permissions, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (organisation, name) DO UPDATE SET permissions = excluded.permissions
                    """, arguments: [role.organisation, role.name.rawValue, permissions, role.createdAt])
        }
    }

    public func removeCustomRole(_ name: Role, in organisation: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM custom_roles WHERE organisation = ? AND name = ?", arguments: [organisation, name.rawValue])
            return db.changesCount > 0
        }
    }
}
