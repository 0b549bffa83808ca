import DharmaAudit
import DharmaEngine
import DharmaStore
import Foundation

/// `dharma migrate`: moves an installation's state from its SQLite file into PostgreSQL, then
/// proves the move — both audit logs verify, hold the same number of entries and have the same
/// Merkle root. The runtime files (keys, logs) stay in the state directory, which both sides
/// share, so secrets open and checkpoints verify with the same keys after the move.
public struct DatabaseMigrationService: Sendable {
    let context: ServiceContext

    public init(context: ServiceContext) {
        self.context = context
    }

    public struct Result: Sendable, Codable, Hashable {
        public var source: String
        public var target: String
        /// Rows copied, per table.
        public var tables: [String: Int]
        public var auditEntries: UInt64
        /// The Merkle root both logs have, hex; nil for an empty log.
        public var auditRoot: String?
        public var sourceVerified: Bool
        public var targetVerified: Bool
    }

    /// `from` is `sqlite:PATH`; `to` a postgres:// URL (its password, when absent, from `PGPASSWORD`).
    public func migrate(from: String, to: String) async throws(ServiceError) -> Result {
        try context.authorise(.administer, "move the state to another database")
        guard from.hasPrefix("sqlite:"), from.count > "sqlite:".count else {
            throw .invalidInput("--from `\(from)`: write sqlite:PATH, the state database to move (e.g. sqlite:.dharma/dharma.db)")
        }
        let path = String(from.dropFirst("sqlite:".count))
        let source = StateLocation(databasePath: path)
        try source.requireExisting("nothing to move")
        var target = StateLocation.resolve(explicit: path, blueprint: nil, environment: context.environment, database: to)
        target.databaseSource = "--to"
        guard let sqlite = try source.store() as? SQLiteStore, let postgres = try target.store() as? PostgresStore else {
            throw .invalidInput("--to `\(to)`: write the PostgreSQL database to move into as postgres://USER@HOST:PORT/DATABASE")
        }
        let report = try await serviceCall(doing: "copying \(path) into \(postgres.location)") { try await StoreMigration.copy(from: sqlite, to: postgres) }

        let (sourceLog, targetLog) = (try source.auditLog(sqlite), try target.auditLog(postgres))
        return try await serviceCall(doing: "verifying both audit logs") {
            let (sourceReport, targetReport) = (try await sourceLog.verify(), try await targetLog.verify())
            let (sourceSize, targetSize) = (try await sqlite.auditSize(), try await postgres.auditSize())
            guard sourceSize == targetSize else {
                throw AuditError("the copied log has \(targetSize) entries and the original \(sourceSize)")
            }
            var root: String?
            if sourceSize > 0 {
                let (sourceRoot, targetRoot) = (try await sourceLog.root(size: sourceSize), try await targetLog.root(size: targetSize))
                guard sourceRoot == targetRoot else { throw AuditError("the copied log's root differs from the original's at size \(sourceSize)") }
                root = sourceRoot.hex
            }
            return Result(
                source: path, target: postgres.location, tables: report.tables, auditEntries: sourceSize, auditRoot: root,
                sourceVerified: sourceReport.ok, targetVerified: targetReport.ok)
        }
    }
}
