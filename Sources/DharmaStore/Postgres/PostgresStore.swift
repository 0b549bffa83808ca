import DharmaCore
import Foundation
import PostgresNIO
import Synchronization

/// The state store on PostgreSQL: what `SQLiteStore` keeps in a file, kept in one schema of a
/// database that several Dharma processes share. Every change is one transaction; the rows a
/// change reads before it writes (a stack's serial, its newest version) are locked first, so two
/// processes recording into one stack take turns instead of losing an update.
public final class PostgresStore: Store {
    let pool: PostgresPool
    /// The schema the tables live in, validated: it is written into statements.
    public let schema: String
    let sealer: (any SecretSealer)?
    var codec: SecretCodec { SecretCodec(sealer: sealer) }
    /// Opened data keys by stack row, so a key is unsealed once per process.
    let dataKeys = Mutex<[Int64: [UInt8]]>([:])
    /// The migrations, run once per process before the first statement.
    private let migrated = Mutex<Task<Void, any Error>?>(nil)

    public init(pool: PostgresPool, schema: String = "dharma", sealer: (any SecretSealer)? = nil) throws {
        try PostgresSchema.validate(schema)
        self.pool = pool
        self.schema = schema
        self.sealer = sealer
    }

    /// Brings the schema to the newest migration; every operation waits for it first.
    public func migrate() async throws {
        let task = migrated.withLock { task in
            if let task { return task }
            let (pool, schema) = (self.pool, self.schema)
            let started = Task { try await PostgresSchema.migrate(schema, in: pool) }
            task = started
            return started
        }
        do {
            try await task.value
        } catch {
            // A failed attempt (the server was down) is not remembered: the next call tries again.
            migrated.withLock { $0 = nil }
            throw error
        }
    }

    /// Removes the schema and everything in it: for benchmarks' and tests' throw-away schemas.
    public func dropSchema() async throws {
        try await pool.connection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(self.schema) CASCADE"), logger: PostgresPool.quiet)
        }
        migrated.withLock { $0 = nil }
    }

    /// A transaction on the migrated schema.
    func write<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await migrate()
        return try await pool.transaction(body)
    }

    /// One connection on the migrated schema, for reads (each statement sees committed data).
    func read<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await migrate()
        return try await pool.connection(body)
    }

    /// `name` qualified by the store's schema, for statements.
    func table(_ name: String) -> String { "\(schema).\(name)" }

    public func state(of stack: StackID) async throws -> StackState {
        try await read { connection in
            guard let (id, serial) = try await self.stackRow(stack, on: connection) else { return StackState(stack: stack) }
            var state = StackState(stack: stack, serial: serial)
            for resource in try await self.resources(ofStackRow: id, on: connection) {
                let opened = try await self.opened(resource, stackRow: id, on: connection)
                state.resources[opened.name] = opened
            }
            return state
        }
    }

    @discardableResult
    public func record(_ resource: ResourceState, in stack: StackID) async throws -> Int {
        try await write { connection in
            let id = try await self.lockedStackRow(stack, on: connection)
            let resource = try await self.sealed(resource, stackRow: id, on: connection)
            try await connection.query(
                """
                INSERT INTO \(unescaped: self.table("resources")) (stack_id, name, type, provider, region, inputs, outputs, dependencies, lifecycle, updated_at)
                VALUES (\(id), \(resource.name), \(resource.type), \(resource.provider.rawValue), \(resource.region), \(try JSON.text(resource.inputs)),
                  \(try JSON.text(resource.outputs)), \(try JSON.text(resource.dependencies)), \(try JSON.text(resource.lifecycle)), \(Timestamp.now()))
                ON CONFLICT (stack_id, name) DO UPDATE SET type = excluded.type, provider = excluded.provider,
                  region = excluded.region, inputs = excluded.inputs, outputs = excluded.outputs,
                  dependencies = excluded.dependencies, lifecycle = excluded.lifecycle, updated_at = excluded.updated_at
                """, logger: PostgresPool.quiet)
            return try await self.bumpSerial(id, on: connection)
        }
    }

    @discardableResult
    public func remove(_ resource: String, in stack: StackID) async throws -> Int {
        try await write { connection in
            let id = try await self.lockedStackRow(stack, on: connection)
            try await connection.query(
                "DELETE FROM \(unescaped: self.table("resources")) WHERE stack_id = \(id) AND name = \(resource)", logger: PostgresPool.quiet)
            return try await self.bumpSerial(id, on: connection)
        }
    }

    @discardableResult
    public func commitVersion(of stack: StackID, outputs: [String: Value], operation: ApplyOperation, summary: String) async throws -> StateVersion {
        try await write { connection in
            let id = try await self.lockedStackRow(stack, on: connection)
            // The snapshot as the rows hold it: sensitive inputs stay sealed in every version.
            var snapshot = StackState(stack: stack)
            for resource in try await self.resources(ofStackRow: id, on: connection) { snapshot.resources[resource.name] = resource }
            snapshot.serial =
                try await self.single(
                    Int.self, "SELECT serial FROM \(unescaped: self.table("stacks")) WHERE id = \(id)", on: connection) ?? 0
            let version =
                try await self.single(
                    Int.self, "SELECT COALESCE(MAX(version), 0) + 1 FROM \(unescaped: self.table("state_versions")) WHERE stack_id = \(id)",
                    on: connection) ?? 1
            let now = Timestamp.now()
            try await connection.query(
                "UPDATE \(unescaped: self.table("stacks")) SET outputs = \(try JSON.text(outputs)), updated_at = \(now) WHERE id = \(id)",
                logger: PostgresPool.quiet)
            try await connection.query(
                """
                INSERT INTO \(unescaped: self.table("state_versions")) (stack_id, version, serial, created_at, operation, summary, snapshot)
                VALUES (\(id), \(version), \(snapshot.serial), \(now), \(operation.rawValue), \(summary), \(try JSON.text(snapshot)))
                """, logger: PostgresPool.quiet)
            return StateVersion(
                version: version, serial: snapshot.serial, createdAt: now, operation: operation, summary: summary,
                resourceCount: snapshot.resources.count)
        }
    }

    public func snapshot(of stack: StackID, version: Int) async throws -> StackState? {
        try await read { connection in
            let text = try await self.single(
                String.self,
                """
                SELECT v.snapshot FROM \(unescaped: self.table("state_versions")) v JOIN \(unescaped: self.table("stacks")) s ON s.id = v.stack_id
                WHERE s.name = \(stack.name) AND s.environment = \(stack.environment) AND v.version = \(version)
                """, on: connection)
            return try text.map { try JSON.decode(StackState.self, from: $0) }
        }
    }

    public func versions(of stack: StackID) async throws -> [StateVersion] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT v.version, v.serial, v.created_at, v.operation, v.summary, v.snapshot FROM \(unescaped: self.table("state_versions")) v
                JOIN \(unescaped: self.table("stacks")) s ON s.id = v.stack_id
                WHERE s.name = \(stack.name) AND s.environment = \(stack.environment) ORDER BY v.version
                """, logger: PostgresPool.quiet)
            var versions: [StateVersion] = []
            for try await (version, serial, createdAt, operation, summary, snapshot) in rows.decode((Int, Int, Double, String?, String, String).self) {
                versions.append(
                    StateVersion(
                        version: version, serial: serial, createdAt: createdAt, operation: operation.flatMap(ApplyOperation.init(rawValue:)),
                        summary: summary, resourceCount: try JSON.decode(StackState.self, from: snapshot).resources.count))
            }
            return versions
        }
    }

    public func outputs(of stack: StackID) async throws -> [String: Value] {
        try await read { connection in
            let text = try await self.single(
                String.self,
                "SELECT outputs FROM \(unescaped: self.table("stacks")) WHERE name = \(stack.name) AND environment = \(stack.environment)",
                on: connection)
            return try text.map { try JSON.decode([String: Value].self, from: $0) } ?? [:]
        }
    }

    public func stacks() async throws -> [StackSummary] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT s.name, s.environment, s.serial,
                  (SELECT COUNT(*) FROM \(unescaped: self.table("resources")) r WHERE r.stack_id = s.id),
                  (SELECT COALESCE(MAX(version), 0) FROM \(unescaped: self.table("state_versions")) v WHERE v.stack_id = s.id)
                FROM \(unescaped: self.table("stacks")) s ORDER BY s.name, s.environment
                """, logger: PostgresPool.quiet)
            var summaries: [StackSummary] = []
            for try await (name, environment, serial, resources, version) in rows.decode((String, String, Int, Int, Int).self) {
                summaries.append(
                    StackSummary(stack: StackID(name: name, environment: environment), serial: serial, resourceCount: resources, latestVersion: version))
            }
            return summaries
        }
    }

    // MARK: rows

    /// The stack's row id and serial, when it has a row.
    func stackRow(_ stack: StackID, on connection: PostgresConnection) async throws -> (id: Int64, serial: Int)? {
        let rows = try await connection.query(
            "SELECT id, serial FROM \(unescaped: table("stacks")) WHERE name = \(stack.name) AND environment = \(stack.environment)",
            logger: PostgresPool.quiet)
        for try await row in rows.decode((Int64, Int).self) { return row }
        return nil
    }

    /// The stack's row id, the row made when missing and locked until the transaction ends: what
    /// every change to a stack starts with, so changes to one stack never interleave.
    func lockedStackRow(_ stack: StackID, on connection: PostgresConnection) async throws -> Int64 {
        let now = Timestamp.now()
        try await connection.query(
            """
            INSERT INTO \(unescaped: table("stacks")) (name, environment, serial, outputs, created_at, updated_at)
            VALUES (\(stack.name), \(stack.environment), 0, '{}', \(now), \(now)) ON CONFLICT (name, environment) DO NOTHING
            """, logger: PostgresPool.quiet)
        let id = try await single(
            Int64.self,
            "SELECT id FROM \(unescaped: table("stacks")) WHERE name = \(stack.name) AND environment = \(stack.environment) FOR UPDATE",
            on: connection)
        guard let id else { throw StoreError("\(stack) has no row after it was made; the database may be damaged") }
        return id
    }

    private func bumpSerial(_ id: Int64, on connection: PostgresConnection) async throws -> Int {
        try await single(
            Int.self, "UPDATE \(unescaped: table("stacks")) SET serial = serial + 1, updated_at = \(Timestamp.now()) WHERE id = \(id) RETURNING serial",
            on: connection) ?? 0
    }

    func resources(ofStackRow id: Int64, on connection: PostgresConnection) async throws -> [ResourceState] {
        let rows = try await connection.query(
            """
            SELECT name, type, provider, region, inputs, outputs, dependencies, lifecycle FROM \(unescaped: table("resources"))
            WHERE stack_id = \(id) ORDER BY name
            """, logger: PostgresPool.quiet)
        var resources: [ResourceState] = []
        for try await (name, type, providerName, region, inputs, outputs, dependencies, lifecycle) in rows.decode(
            (String, String, String, String, String, String, String, String).self)
        {
            guard let provider = ProviderName(rawValue: providerName) else {
                throw StoreError("state names an unknown provider `\(providerName)` for resource `\(name)`")
            }
            resources.append(
                ResourceState(
                    name: name, type: type, provider: provider, region: region, inputs: try JSON.decode([String: Value].self, from: inputs),
                    outputs: try JSON.decode([String: Value].self, from: outputs), dependencies: try JSON.decode([String].self, from: dependencies),
                    lifecycle: try JSON.decode(Lifecycle.self, from: lifecycle)))
        }
        return resources
    }

    /// The first column of the first row, nil when there is no row.
    func single<Column: PostgresDecodable>(_ type: Column.Type, _ query: PostgresQuery, on connection: PostgresConnection) async throws -> Column? {
        for try await value in try await connection.query(query, logger: PostgresPool.quiet).decode(Column.self) { return value }
        return nil
    }
}
