import DharmaCore
import Foundation
import GRDB
import Synchronization

/// The embedded store: one SQLite file (WAL mode), versioned migrations, one transaction per
/// recorded change so a crash at any moment leaves a consistent database.
public final class SQLiteStore: Store {
    let database: DatabaseQueue
    public let path: String
    /// Encrypts sensitive values; nil only for stores that hold none (benchmarks, tests of other
    /// tables): such a store refuses to record a secret rather than keep it in clear.
    let sealer: (any SecretSealer)?
    var codec: SecretCodec { SecretCodec(sealer: sealer) }
    /// Opened data keys by stack row, so a key is unsealed once per process.
    let dataKeys = Mutex<[Int64: [UInt8]]>([:])

    public init(path: String, sealer: (any SecretSealer)? = nil) throws {
        self.path = path
        self.sealer = sealer
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try SQLiteSchema.migrator.migrate(database)
            try sealStoredSecrets()
        } catch let error as DatabaseError {
            throw StoreError(
                "\(path) is not a usable Dharma state database: \(error.message ?? error.description). "
                    + "The file was left untouched; point --state at another path or restore it from a backup.")
        }
    }

    public func state(of stack: StackID) async throws -> StackState {
        try await database.read { db in
            guard
                let stackRow = try Row.fetchOne(
                    db, sql: "SELECT id, serial FROM stacks WHERE name = ? AND environment = ?",
                    arguments: [stack.name, stack.environment])
            else {
                return StackState(stack: stack)
            }
            let id: Int64 = stackRow["id"]
            var state = StackState(stack: stack, serial: stackRow["serial"])
            for row in try Row.fetchAll(db, sql: "SELECT * FROM resources WHERE stack_id = ? ORDER BY name", arguments: [id]) {
                let resource = try self.opened(try Self.resource(from: row), stackRow: id, in: db)
                state.resources[resource.name] = resource
            }
            return state
        }
    }

    @discardableResult
    public func record(_ resource: ResourceState, in stack: StackID) async throws -> Int {
        try await database.write { db in
            let id = try Self.stackID(stack, in: db)
            let resource = try self.sealed(resource, stackRow: id, in: db)
            try db.execute(
                sql: """
                    INSERT INTO resources (stack_id, name, type, provider, region, inputs, outputs, dependencies, lifecycle, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (stack_id, name) DO UPDATE SET type = excluded.type, provider = excluded.provider,
                      region = excluded.region, inputs = excluded.inputs, outputs = excluded.outputs,
                      dependencies = excluded.dependencies, lifecycle = excluded.lifecycle, updated_at = excluded.updated_at
                    """,
                arguments: [
                    id, resource.name, resource.type, resource.provider.rawValue, resource.region,
                    try JSON.text(resource.inputs), try JSON.text(resource.outputs),
                    try JSON.text(resource.dependencies), try JSON.text(resource.lifecycle), Timestamp.now(),
                ])
            return try Self.bumpSerial(id, in: db)
        }
    }

    @discardableResult
    public func remove(_ resource: String, in stack: StackID) async throws -> Int {
        try await database.write { db in
            let id = try Self.stackID(stack, in: db)
            try db.execute(sql: "DELETE FROM resources WHERE stack_id = ? AND name = ?", arguments: [id, resource])
            return try Self.bumpSerial(id, in: db)
        }
    }

    @discardableResult
    public func commitVersion(of stack: StackID, outputs: [String: Value], operation: ApplyOperation, summary: String) async throws -> StateVersion {
        try await database.write { db in
            let id = try Self.stackID(stack, in: db)
            // The snapshot as the rows hold it: sensitive inputs stay sealed in every version.
            var snapshot = StackState(stack: stack)
            for row in try Row.fetchAll(db, sql: "SELECT * FROM resources WHERE stack_id = ? ORDER BY name", arguments: [id]) {
                let resource = try Self.resource(from: row)
                snapshot.resources[resource.name] = resource
            }
            let serial = try Int.fetchOne(db, sql: "SELECT serial FROM stacks WHERE id = ?", arguments: [id]) ?? 0
            snapshot.serial = serial
            let version = (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM state_versions WHERE stack_id = ?", arguments: [id]) ?? 0) + 1
            let now = Timestamp.now()
            try db.execute(sql: "UPDATE stacks SET outputs = ?, updated_at = ? WHERE id = ?", arguments: [try JSON.text(outputs), now, id])
            try db.execute(
                sql: """
                    INSERT INTO state_versions (stack_id, version, serial, created_at, operation, summary, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, version, serial, now, operation.rawValue, summary, try JSON.text(snapshot)])
            return StateVersion(
                version: version, serial: serial, createdAt: now, operation: operation, summary: summary,
                resourceCount: snapshot.resources.count)
        }
    }

    public func snapshot(of stack: StackID, version: Int) async throws -> StackState? {
        try await database.read { db in
            let text = try String.fetchOne(
                db,
                sql: """
                    SELECT v.snapshot FROM state_versions v JOIN stacks s ON s.id = v.stack_id
                    WHERE s.name = ? AND s.environment = ? AND v.version = ?
                    """, arguments: [stack.name, stack.environment, version])
            return try text.map { try JSON.decode(StackState.self, from: $0) }
        }
    }

    public func versions(of stack: StackID) async throws -> [StateVersion] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT v.version, v.serial, v.created_at, v.operation, v.summary, v.snapshot FROM state_versions v
                    JOIN stacks s ON s.id = v.stack_id WHERE s.name = ? AND s.environment = ? ORDER BY v.version
                    """, arguments: [stack.name, stack.environment]
            ).map { row in
                let snapshot = try JSON.decode(StackState.self, from: row["snapshot"])
                return StateVersion(
                    version: row["version"], serial: row["serial"], createdAt: row["created_at"],
                    operation: (row["operation"] as String?).flatMap(ApplyOperation.init(rawValue:)),
                    summary: row["summary"], resourceCount: snapshot.resources.count)
            }
        }
    }

    public func outputs(of stack: StackID) async throws -> [String: Value] {
        try await database.read { db in
            guard
                let text = try String.fetchOne(
                    db, sql: "SELECT outputs FROM stacks WHERE name = ? AND environment = ?",
                    arguments: [stack.name, stack.environment])
            else { return [:] }
            return try JSON.decode([String: Value].self, from: text)
        }
    }

    public func stacks() async throws -> [StackSummary] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.name, s.environment, s.serial,
                      (SELECT COUNT(*) FROM resources r WHERE r.stack_id = s.id) AS resources,
                      (SELECT COALESCE(MAX(version), 0) FROM state_versions v WHERE v.stack_id = s.id) AS version
                    FROM stacks s ORDER BY s.name, s.environment
                    """
            ).map { row in
                StackSummary(
                    stack: StackID(name: row["name"], environment: row["environment"]), serial: row["serial"],
                    resourceCount: row["resources"], latestVersion: row["version"])
            }
        }
    }

    // MARK: locks

    public func lock(_ stack: StackID, as holder: LockHolder) async throws -> LockAcquisition {
        try await database.write { db in
            let id = try Self.stackID(stack, in: db)
            var outcome = LockAcquisition.acquired
            if let existing = try Self.holder(ofStackRow: id, in: db) {
                let deadHere = existing.host == holder.host && !ProcessLiveness.isAlive(existing.pid)
                guard deadHere else { throw LockError.held(stack, existing) }
                outcome = .brokeStale(existing)
                try db.execute(sql: "DELETE FROM locks WHERE stack_id = ?", arguments: [id])
            }
            try db.execute(
                sql: "INSERT INTO locks (stack_id, pid, host, operation, acquired_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, holder.pid, holder.host, holder.operation, holder.since])
            return outcome
        }
    }

    public func unlock(_ stack: StackID, holder: LockHolder) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM locks WHERE pid = ? AND host = ? AND stack_id =
                      (SELECT id FROM stacks WHERE name = ? AND environment = ?)
                    """, arguments: [holder.pid, holder.host, stack.name, stack.environment])
        }
    }

    public func breakLock(_ stack: StackID) async throws -> LockHolder? {
        try await database.write { db in
            let id = try Self.stackID(stack, in: db)
            let existing = try Self.holder(ofStackRow: id, in: db)
            try db.execute(sql: "DELETE FROM locks WHERE stack_id = ?", arguments: [id])
            return existing
        }
    }

    public func lockHolder(of stack: StackID) async throws -> LockHolder? {
        try await database.read { db in
            guard
                let id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM stacks WHERE name = ? AND environment = ?",
                    arguments: [stack.name, stack.environment])
            else { return nil }
            return try Self.holder(ofStackRow: id, in: db)
        }
    }

    // MARK: rows

    private static func holder(ofStackRow id: Int64, in db: Database) throws -> LockHolder? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM locks WHERE stack_id = ?", arguments: [id]) else { return nil }
        return LockHolder(pid: row["pid"], host: row["host"], operation: row["operation"], since: row["acquired_at"])
    }

    static func stackID(_ stack: StackID, in db: Database) throws -> Int64 {
        if let id = try Int64.fetchOne(
            db, sql: "SELECT id FROM stacks WHERE name = ? AND environment = ?",
            arguments: [stack.name, stack.environment])
        {
            return id
        }
        let now = Timestamp.now()
        try db.execute(
            sql: "INSERT INTO stacks (name, environment, serial, outputs, created_at, updated_at) VALUES (?, ?, 0, '{}', ?, ?)",
            arguments: [stack.name, stack.environment, now, now])
        return db.lastInsertedRowID
    }

    private static func bumpSerial(_ id: Int64, in db: Database) throws -> Int {
        try db.execute(sql: "UPDATE stacks SET serial = serial + 1, updated_at = ? WHERE id = ?", arguments: [Timestamp.now(), id])
        return try Int.fetchOne(db, sql: "SELECT serial FROM stacks WHERE id = ?", arguments: [id]) ?? 0
    }

    static func resource(from row: Row) throws -> ResourceState {
        let providerName: String = row["provider"]
        guard let provider = ProviderName(rawValue: providerName) else {
            throw StoreError("state names an unknown provider `\(providerName)` for resource `\(row["name"] as String)`")
        }
        return ResourceState(
            name: row["name"], type: row["type"], provider: provider, region: row["region"],
            inputs: try JSON.decode([String: Value].self, from: row["inputs"]),
            outputs: try JSON.decode([String: Value].self, from: row["outputs"]),
            dependencies: try JSON.decode([String].self, from: row["dependencies"]),
            lifecycle: try JSON.decode(Lifecycle.self, from: row["lifecycle"]))
    }
}
