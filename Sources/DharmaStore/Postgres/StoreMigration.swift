import Foundation
import GRDB
import NIOCore
import PostgresNIO

/// Moves an installation's state from its SQLite file into a PostgreSQL schema, row for row:
/// stacks, resources (secrets still sealed, their data keys with them), versions, the audit log
/// (entries, tree nodes, checkpoints with their signatures and cosignatures), incidents,
/// remediation outcomes and metrics. Row ids are kept, so references and checkpoint numbers
/// mean the same on both sides. One transaction: the copy is all there or not at all. The
/// SQLite file is only read.
public enum StoreMigration {
    /// Rows copied, per table.
    public struct Report: Sendable, Codable, Hashable {
        public var tables: [String: Int]
    }

    /// Tables in the order they are copied (parents first), with their columns.
    static let tables: [(name: String, columns: [String], identity: Bool)] = [
        ("stacks", ["id", "name", "environment", "serial", "outputs", "created_at", "updated_at"], true),
        ("resources", ["stack_id", "name", "type", "provider", "region", "inputs", "outputs", "dependencies", "lifecycle", "updated_at"], false),
        ("state_versions", ["stack_id", "version", "serial", "created_at", "operation", "summary", "snapshot"], false),
        ("stack_keys", ["stack_id", "key_id", "sealed", "created_at"], false),
        ("audit_entries", ["seq", "time", "actor", "action", "stack", "body", "leaf_hash"], false),
        ("audit_nodes", ["level", "idx", "hash"], false),
        ("audit_checkpoints", ["id", "size", "note", "created_at"], true),
        ("incidents", ["id", "stack", "resource", "symptom", "status", "opened_at", "updated_at", "closed_at", "body"], true),
        ("remediation_outcomes", ["id", "stack", "symptom", "action", "succeeded", "seconds", "time"], true),
        ("metric_chunks", ["series", "resolution", "first_time", "last_time", "count", "data"], false),
    ]

    /// Copies `source` into `target`, which must hold no state yet; a held stack lock refuses
    /// the move (something is applying).
    public static func copy(from source: SQLiteStore, to target: PostgresStore) async throws -> Report {
        let locks = try await source.database.read { db in
            try Row.fetchAll(db, sql: "SELECT s.name, s.environment, l.pid, l.host FROM locks l JOIN stacks s ON s.id = l.stack_id")
                .map { "\($0["name"] as String)/\($0["environment"] as String) (pid \($0["pid"] as Int) on \($0["host"] as String))" }
        }
        guard locks.isEmpty else {
            throw StoreError("\(source.path) has locked stacks: \(locks.joined(separator: ", ")); let them finish, or `dharma state unlock`, then migrate")
        }
        try await target.migrate()
        return try await target.write { connection in
            for table in ["stacks", "audit_entries", "incidents", "metric_chunks"] {
                let count = try await target.single(Int.self, "SELECT COUNT(*) FROM \(unescaped: target.table(table))", on: connection) ?? 0
                guard count == 0 else {
                    throw StoreError("\(target.location) already holds \(table) (\(count) rows); migrate into an empty database or schema")
                }
            }
            var copied: [String: Int] = [:]
            for table in tables {
                copied[table.name] = try await copy(table, from: source, to: target, on: connection)
            }
            return Report(tables: copied)
        }
    }

    /// One table, in pages of rows (read after the last row's key, so each page is an index
    /// seek) sent as one multi-row INSERT each.
    private static func copy(
        _ table: (name: String, columns: [String], identity: Bool), from source: SQLiteStore, to target: PostgresStore, on connection: PostgresConnection
    ) async throws -> Int {
        let columns = table.columns.joined(separator: ", ")
        // audit_nodes has no rowid (WITHOUT ROWID): its key is (level, idx).
        let keyed = table.name == "audit_nodes"
        let select =
            keyed
            ? "SELECT level, idx, \(columns) FROM audit_nodes WHERE (level, idx) > (?, ?) ORDER BY level, idx LIMIT ?"
            : "SELECT rowid, rowid, \(columns) FROM \(table.name) WHERE rowid > ? ORDER BY rowid LIMIT ?"
        var copied = 0
        var after: (Int64, Int64) = (-1, -1)
        let page = 2_000
        while true {
            let arguments: StatementArguments = keyed ? [after.0, after.1, page] : [after.0, page]
            let rows = try await source.database.read { db in try Row.fetchAll(db, sql: select, arguments: arguments) }
            guard let last = rows.last else { break }
            after = (last[0], last[1])
            var query = PostgresQuery(unsafeSQL: "")
            var values: [String] = []
            for row in rows {
                var placeholders: [String] = []
                for (index, column) in table.columns.enumerated() {
                    bind(row[index + 2] as DatabaseValue, column: column, table: table.name, into: &query.binds)
                    placeholders.append("$\(query.binds.count)")
                }
                values.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            let overriding = table.identity ? " OVERRIDING SYSTEM VALUE" : ""
            query.sql = "INSERT INTO \(target.table(table.name)) (\(columns))\(overriding) VALUES " + values.joined(separator: ", ")
            try await connection.query(query, logger: PostgresPool.quiet)
            copied += rows.count
        }
        if table.identity {
            // The next row made on PostgreSQL continues after the copied ids.
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('\(target.table(table.name))', 'id'),
                          COALESCE((SELECT MAX(id) FROM \(target.table(table.name))), 0) + 1, false)
                        """), logger: PostgresPool.quiet)
        }
        return copied
    }

    /// A SQLite value as the PostgreSQL column takes it: integers, reals, text and blobs as
    /// they are, and SQLite's 0/1 for the one boolean column.
    private static func bind(_ value: DatabaseValue, column: String, table: String, into binds: inout PostgresBindings) {
        switch value.storage {
        case .null: binds.appendNull()
        case .int64(let number) where table == "remediation_outcomes" && column == "succeeded": binds.append(number != 0)
        case .int64(let number) where column == "pid": binds.append(Int32(clamping: number))
        case .int64(let number) where column == "level" || column == "count": binds.append(Int32(clamping: number))
        case .int64(let number) where ["created_at", "updated_at", "time", "seconds", "opened_at", "closed_at", "acquired_at"].contains(column):
            binds.append(Double(number))
        case .int64(let number): binds.append(number)
        case .double(let number): binds.append(number)
        case .string(let text): binds.append(text)
        case .blob(let data): binds.append(ByteBuffer(bytes: data))
        }
    }
}
