import Foundation
import GRDB

extension SQLiteStore: AuditStore {
    public func auditSize() async throws -> UInt64 {
        try await database.read { db in
            UInt64(try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_entries") ?? 0)
        }
    }

    public func appendAudit(_ entries: [AuditRecord], nodes: [AuditNode]) async throws {
        try await database.write { db in
            let size = UInt64(try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_entries") ?? 0)
            for (offset, entry) in entries.enumerated() where entry.seq != size + UInt64(offset) {
                throw StoreError("audit entry \(entry.seq) does not continue the log at \(size + UInt64(offset)); nothing was appended")
            }
            let insertEntry = try db.cachedStatement(
                sql: "INSERT INTO audit_entries (seq, time, actor, action, stack, body, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)")
            for entry in entries {
                try insertEntry.execute(arguments: [
                    Int64(entry.seq), entry.time, entry.actor, entry.action, entry.stack, entry.body,
                    Data(entry.leafHash),
                ])
            }
            let insertNode = try db.cachedStatement(sql: "INSERT OR REPLACE INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)")
            for node in nodes {
                try insertNode.execute(arguments: [node.coordinate.level, Int64(node.coordinate.index), Data(node.hash)])
            }
        }
    }

    public func auditEntries(from: UInt64, to: UInt64) async throws -> [AuditRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq",
                arguments: [Int64(clamping: from), Int64(clamping: to)]
            ).map { row in
                AuditRecord(
                    seq: UInt64(row["seq"] as Int64), time: row["time"], actor: row["actor"], action: row["action"],
                    stack: row["stack"], body: row["body"], leafHash: Array(row["leaf_hash"] as Data))
            }
        }
    }

    public func forEachAuditEntry(from: UInt64, to: UInt64, _ visit: (AuditRecord) throws -> Void) async throws {
        try forEachAuditEntrySynchronously(from: from, to: to, visit)
    }

    /// A read transaction on the calling thread: the visitor is neither escaping nor sendable.
    private func forEachAuditEntrySynchronously(
        from: UInt64, to: UInt64,
        _ visit: (AuditRecord) throws -> Void
    ) throws {
        try database.read { db in
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT seq, time, actor, action, stack, body, leaf_hash FROM audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq",
                arguments: [Int64(clamping: from), Int64(clamping: to)])
            while let row = try cursor.next() {
                let seq: Int64 = row[0]
                let hash: Data = row[6]
                try visit(
                    AuditRecord(
                        seq: UInt64(seq), time: row[1], actor: row[2], action: row[3], stack: row[4], body: row[5],
                        leafHash: Array(hash)))
            }
        }
    }

    public func auditNodes(_ wanted: [AuditNode.Coordinate]) async throws -> [AuditNode.Coordinate: [UInt8]] {
        try await database.read { db in
            var found: [AuditNode.Coordinate: [UInt8]] = [:]
            let statement = try db.cachedStatement(sql: "SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?")
            for coordinate in Set(wanted) {
                if let hash = try Data.fetchOne(statement, arguments: [coordinate.level, Int64(clamping: coordinate.index)]) {
                    found[coordinate] = Array(hash)
                }
            }
            return found
        }
    }

    public func appendCheckpoint(size: UInt64, note: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO audit_checkpoints (size, note, created_at) VALUES (?, ?, ?)",
                arguments: [Int64(size), note, Timestamp.now()])
        }
    }

    public func addCosignature(checkpoint id: Int, lines: String) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE audit_checkpoints SET note = note || ? WHERE id = ?", arguments: [lines, id])
        }
    }

    public func lastCheckpoint() async throws -> StoredCheckpoint? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit_checkpoints ORDER BY id DESC LIMIT 1").map { row in
                StoredCheckpoint(id: row["id"], size: UInt64(row["size"] as Int64), note: row["note"], createdAt: row["created_at"])
            }
        }
    }

    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_checkpoints ORDER BY id").map { row in
                StoredCheckpoint(id: row["id"], size: UInt64(row["size"] as Int64), note: row["note"], createdAt: row["created_at"])
            }
        }
    }
}
