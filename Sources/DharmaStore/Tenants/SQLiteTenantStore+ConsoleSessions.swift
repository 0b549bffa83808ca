import Foundation
import GRDB

/// Console passwords and sessions, in the control database.
extension SQLiteTenantStore {
    static func registerConsoleSessionMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-console-sessions") { db in
            try db.execute(
                sql: """
                    ALTER TABLE users ADD COLUMN password_hash TEXT;
                    CREATE TABLE console_sessions (
                        secret_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name),
                        created_at REAL NOT NULL, expires_at REAL NOT NULL);
                    CREATE INDEX console_sessions_by_end ON console_sessions (expires_at);
                    """)
        }
        migrator.registerMigration("v10-session-grants") { db in
            try db.execute(sql: "ALTER TABLE console_sessions ADD COLUMN grants TEXT")
        }
    }

    public func setPasswordHash(_ hash: String?, of user: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE name = ?", arguments: [hash, user])
            let changed = db.changesCount > 0
            // A new password ends every session the old one opened.
            try db.execute(sql: "DELETE FROM console_sessions WHERE user = ?", arguments: [user])
            return changed
        }
    }

    public func passwordHash(of user: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM users WHERE name = ?", arguments: [user])
        }
    }

    public func createSession(_ session: ConsoleSession) async throws {
        let grants = session.grants.isEmpty ? nil : String(decoding: try JSONEncoder().encode(session.grants), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO console_sessions (secret_hash, user, created_at, expires_at, grants) VALUES (?, ?, ?, ?, ?)",
                arguments: [session.secretHash, session.user, session.createdAt, session.expiresAt, grants])
        }
    }

    public func session(withHash hash: String) async throws -> ConsoleSession? {
        try await database.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM console_sessions WHERE secret_hash = ?"), arguments: [hash]).map { row in
                let grants: String? = row["grants"]
                return ConsoleSession(
                    secretHash: row["secret_hash"], user: row["user"], createdAt: row["created_at"], expiresAt: row["expires_at"],
                    grants: try grants.map { text in
                        do { return try JSONDecoder().decode([Membership].self, from: Data(text.utf8)) } catch {
                            throw StoreError("a console session's granted memberships are unreadable: \(error)")
                        }
                    } ?? [])
            }
        }
    }

    public func removeSession(withHash hash: String) async throws {
        try await database.write { db in try db.execute(sql: "DELETE FROM console_sessions WHERE secret_hash = ?", arguments: [hash]) }
    }

    public func removeSessions(endedBefore time: Double) async throws -> Int {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE expires_at < ?", arguments: [time])
            return db.changesCount
        }
    }
}
