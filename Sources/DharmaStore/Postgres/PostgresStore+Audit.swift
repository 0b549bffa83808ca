import Foundation
import NIOCore
import PostgresNIO

/// The audit log's tables. An append locks the log (a transaction-scoped advisory lock on the
/// schema's audit log) before it checks that its entries continue it, so appends from several
/// processes take turns and the Merkle tree has one order; one that lost the race is refused
/// whole, never interleaved.
extension PostgresStore: AuditStore {
    public func auditSize() async throws -> UInt64 {
        try await read { connection in
            UInt64(try await self.single(Int64.self, "SELECT COALESCE(MAX(seq) + 1, 0) FROM \(unescaped: self.table("audit_entries"))", on: connection) ?? 0)
        }
    }

    public func appendAudit(_ entries: [AuditRecord], nodes: [AuditNode]) async throws {
        guard !entries.isEmpty || !nodes.isEmpty else { return }
        try await write { connection in
            try await self.lockAuditLog(on: connection)
            let size = UInt64(
                try await self.single(Int64.self, "SELECT COALESCE(MAX(seq) + 1, 0) FROM \(unescaped: self.table("audit_entries"))", on: connection) ?? 0)
            for (offset, entry) in entries.enumerated() where entry.seq != size + UInt64(offset) {
                throw StoreError("audit entry \(entry.seq) does not continue the log at \(size + UInt64(offset)); nothing was appended")
            }
            // One statement per batch, the rows as arrays: a round trip per entry would cap
            // appends at the connection's latency.
            for batch in stride(from: 0, to: entries.count, by: 5_000).map({ entries[$0..<min($0 + 5_000, entries.count)] }) {
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: self.table("audit_entries")) (seq, time, actor, action, stack, body, leaf_hash)
                    SELECT * FROM unnest(\(batch.map { Int64($0.seq) }), \(batch.map(\.time)), \(batch.map(\.actor)), \(batch.map(\.action)),
                      \(batch.map(\.stack)), \(batch.map(\.body)), \(batch.map { ByteBuffer(bytes: $0.leafHash) }))
                    """, logger: PostgresPool.quiet)
            }
            guard !nodes.isEmpty else { return }
            try await connection.query(
                """
                INSERT INTO \(unescaped: self.table("audit_nodes")) (level, idx, hash)
                SELECT * FROM unnest(\(nodes.map { Int32($0.coordinate.level) }), \(nodes.map { Int64($0.coordinate.index) }), \(nodes.map { ByteBuffer(bytes: $0.hash) }))
                ON CONFLICT (level, idx) DO UPDATE SET hash = excluded.hash
                """, logger: PostgresPool.quiet)
        }
    }

    public func auditEntries(from: UInt64, to: UInt64) async throws -> [AuditRecord] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT seq, time, actor, action, stack, body, leaf_hash FROM \(unescaped: self.table("audit_entries"))
                WHERE seq >= \(Int64(clamping: from)) AND seq < \(Int64(clamping: to)) ORDER BY seq
                """, logger: PostgresPool.quiet)
            var records: [AuditRecord] = []
            for try await (seq, time, actor, action, stack, body, hash) in rows.decode((Int64, Double, String, String, String, String, Data).self) {
                records.append(AuditRecord(seq: UInt64(seq), time: time, actor: actor, action: action, stack: stack, body: body, leafHash: Array(hash)))
            }
            return records
        }
    }

    /// Reads in pages, so a million entries are never in memory at once.
    public func forEachAuditEntry(from: UInt64, to: UInt64, _ visit: (AuditRecord) throws -> Void) async throws {
        var next = from
        while next < to {
            let page = try await auditEntries(from: next, to: min(to, next + 10_000))
            guard let last = page.last else { return }
            for record in page { try visit(record) }
            next = last.seq + 1
        }
    }

    public func auditNodes(_ wanted: [AuditNode.Coordinate]) async throws -> [AuditNode.Coordinate: [UInt8]] {
        guard !wanted.isEmpty else { return [:] }
        let unique = Array(Set(wanted))
        return try await read { connection in
            let rows = try await connection.query(
                """
                SELECT n.level, n.idx, n.hash FROM \(unescaped: self.table("audit_nodes")) n
                JOIN unnest(\(unique.map { Int32($0.level) }), \(unique.map { Int64(clamping: $0.index) })) AS w(level, idx)
                  ON n.level = w.level AND n.idx = w.idx
                """, logger: PostgresPool.quiet)
            var found: [AuditNode.Coordinate: [UInt8]] = [:]
            for try await (level, index, hash) in rows.decode((Int32, Int64, Data).self) {
                found[AuditNode.Coordinate(level: Int(level), index: UInt64(index))] = Array(hash)
            }
            return found
        }
    }

    public func appendCheckpoint(size: UInt64, note: String) async throws {
        try await write { connection in
            try await connection.query(
                "INSERT INTO \(unescaped: self.table("audit_checkpoints")) (size, note, created_at) VALUES (\(Int64(size)), \(note), \(Timestamp.now()))",
                logger: PostgresPool.quiet)
        }
    }

    public func addCosignature(checkpoint id: Int, lines: String) async throws {
        try await write { connection in
            try await connection.query(
                "UPDATE \(unescaped: self.table("audit_checkpoints")) SET note = note || \(lines) WHERE id = \(id)", logger: PostgresPool.quiet)
        }
    }

    public func lastCheckpoint() async throws -> StoredCheckpoint? {
        try await checkpoints(newestOnly: true).first
    }

    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await checkpoints(newestOnly: false)
    }

    private func checkpoints(newestOnly: Bool) async throws -> [StoredCheckpoint] {
        try await read { connection in
            let order = newestOnly ? "ORDER BY id DESC LIMIT 1" : "ORDER BY id"
            let rows = try await connection.query(
                "SELECT id, size, note, created_at FROM \(unescaped: self.table("audit_checkpoints")) \(unescaped: order)", logger: PostgresPool.quiet)
            var found: [StoredCheckpoint] = []
            for try await (id, size, note, createdAt) in rows.decode((Int, Int64, String, Double).self) {
                found.append(StoredCheckpoint(id: id, size: UInt64(size), note: note, createdAt: createdAt))
            }
            return found
        }
    }

    /// Serialises appends to this schema's log across every process on the database, until the
    /// transaction ends.
    func lockAuditLog(on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(schema + ".audit")))", logger: PostgresPool.quiet)
    }
}
