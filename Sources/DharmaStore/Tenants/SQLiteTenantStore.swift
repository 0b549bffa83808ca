import DharmaCore
import Foundation
import GRDB
import Synchronization

/// The tenant store in one SQLite file beside the server's data (`control.db`), with
/// versioned migrations and one transaction per change.
public final class SQLiteTenantStore: TenantStore {
    /// A pool: WAL lets every request read at once while one writes.
    let database: DatabasePool
    public let path: String
    private let lastMarked = Mutex<[String: Double]>([:])
    /// Credentials by token hash: every request authenticates. A token's last use is not part
    /// of what it stands for, so recording it empties nothing.
    private let recentCredentials: RecentReads<String, Credentials>
    /// Stack pages (the stack, its newest blueprint version and run) by organisation and stack.
    private let recentSummaries: RecentReads<[String], StackSummary>
    /// Pages of a stack's runs, by organisation, stack and page: a console polls them, and
    /// each is a hundred JSON documents to decode. Any change to a run empties it.
    private let recentRunPages: RecentReads<[String], Page<Run>>
    static let recentLifetime = 5.0
    public typealias Credentials = (token: APIToken, user: User, memberships: [Membership])
    public typealias StackSummary = (stack: ManagedStack, blueprint: Int?, run: String?)

    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw StoreError(
                "\(path) is not a usable Dharma control database: \(error.message ?? error.description). The file was left untouched.")
        }
        let tokenColumns = ["id", "name", "user", "secret_hash", "created_at", "expires_at", "revoked"].map { Column($0) }
        recentCredentials = RecentReads(
            observing: [Table("tokens").select(tokenColumns), Table("users"), Table("memberships")], in: database, lifetime: Self.recentLifetime)
        // A run's progress is not part of a stack's page; a new run is.
        recentSummaries = RecentReads(
            observing: [Table("stacks"), Table("blueprints"), Table("runs").select(Column("id"))], in: database, lifetime: Self.recentLifetime)
        recentRunPages = RecentReads(observing: [Table("runs")], in: database, lifetime: Self.recentLifetime, capacity: 256)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tenants") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (name TEXT PRIMARY KEY, server_admin INTEGER NOT NULL, created_at REAL NOT NULL);
                    CREATE TABLE organisations (name TEXT PRIMARY KEY, created_at REAL NOT NULL);
                    CREATE TABLE memberships (
                        organisation TEXT NOT NULL REFERENCES organisations(name),
                        user TEXT NOT NULL REFERENCES users(name),
                        role TEXT NOT NULL,
                        PRIMARY KEY (organisation, user));
                    CREATE TABLE tokens (
                        id TEXT PRIMARY KEY, name TEXT NOT NULL, user TEXT NOT NULL REFERENCES users(name),
                        secret_hash TEXT NOT NULL UNIQUE, created_at REAL NOT NULL, expires_at REAL,
                        last_used_at REAL, revoked INTEGER NOT NULL DEFAULT 0);
                    CREATE TABLE projects (
                        organisation TEXT NOT NULL REFERENCES organisations(name), name TEXT NOT NULL,
                        created_at REAL NOT NULL, PRIMARY KEY (organisation, name));
                    CREATE TABLE stacks (
                        organisation TEXT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL,
                        environment TEXT NOT NULL, protected INTEGER NOT NULL, created_at REAL NOT NULL,
                        PRIMARY KEY (organisation, name, environment),
                        FOREIGN KEY (organisation, project) REFERENCES projects(organisation, name));
                    CREATE TABLE blueprints (
                        organisation TEXT NOT NULL, name TEXT NOT NULL, environment TEXT NOT NULL,
                        version INTEGER NOT NULL, text TEXT NOT NULL, sha256 TEXT NOT NULL, author TEXT NOT NULL,
                        created_at REAL NOT NULL, PRIMARY KEY (organisation, name, environment, version),
                        FOREIGN KEY (organisation, name, environment) REFERENCES stacks(organisation, name, environment));
                    CREATE TABLE runs (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                        organisation TEXT NOT NULL, name TEXT NOT NULL, environment TEXT NOT NULL,
                        state TEXT NOT NULL, body TEXT NOT NULL,
                        FOREIGN KEY (organisation, name, environment) REFERENCES stacks(organisation, name, environment));
                    CREATE INDEX runs_by_stack ON runs (organisation, name, environment, seq);
                    CREATE TABLE run_log (
                        run TEXT NOT NULL REFERENCES runs(id), line INTEGER NOT NULL, time REAL NOT NULL,
                        text TEXT NOT NULL, PRIMARY KEY (run, line));
                    """)
        }
        migrator.registerMigration("v2-locks-and-variables") { db in
            try db.execute(
                sql: """
                    ALTER TABLE stacks ADD COLUMN locked_by TEXT;
                    ALTER TABLE stacks ADD COLUMN lock_reason TEXT;
                    CREATE TABLE variables (
                        organisation TEXT NOT NULL, stack_name TEXT NOT NULL, environment TEXT NOT NULL, name TEXT NOT NULL,
                        value TEXT, sealed TEXT, sensitive INTEGER NOT NULL, updated_at REAL NOT NULL,
                        PRIMARY KEY (organisation, stack_name, environment, name),
                        FOREIGN KEY (organisation, stack_name, environment) REFERENCES stacks(organisation, name, environment));
                    """)
        }
        registerWebhookMigration(&migrator)
        registerWitnessMigration(&migrator)
        registerPolicyMigration(&migrator)
        registerApprovalKeyMigration(&migrator)
        registerCustomRoleMigration(&migrator)
        registerConsoleSessionMigration(&migrator)
        registerDriftCheckMigration(&migrator)
        return migrator
    }

    // MARK: users and tokens

    public func createUser(_ user: User) async throws {
        try await write("user \(user.name)") { db in
            try db.execute(
                sql: "INSERT INTO users (name, server_admin, created_at) VALUES (?, ?, ?)",
                arguments: [user.name, user.serverAdmin, user.createdAt])
        }
    }

    public func user(named name: String) async throws -> User? {
        try await database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).map(Self.user) }
    }

    public func users(_ page: PageRequest) async throws -> Page<User> {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM users WHERE name > ? ORDER BY name LIMIT ?", arguments: [page.after ?? "", page.limit + 1])
            return Self.page(rows.map(Self.user), limit: page.limit) { $0.name }
        }
    }

    public func createToken(_ token: APIToken) async throws {
        try await write("token \(token.name)") { db in
            try db.execute(
                sql: "INSERT INTO tokens (id, name, user, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [token.id, token.name, token.user, token.secretHash, token.createdAt, token.expiresAt])
        }
    }

    public func token(withHash hash: String) async throws -> APIToken? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE secret_hash = ?", arguments: [hash]).map(Self.token)
        }
    }

    public func credentials(withHash hash: String) async throws -> Credentials? {
        try await recentCredentials.value(for: hash) {
            try await database.read { db in
                guard
                    let token = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM tokens WHERE secret_hash = ?"), arguments: [hash]).map(Self.token),
                    let user = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE name = ?"), arguments: [token.user]).map(Self.user)
                else { return nil }
                let memberships = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM memberships WHERE user = ?"), arguments: [user.name])
                    .compactMap(Self.membership)
                return (token, user, memberships)
            }
        }
    }

    public func tokens(of user: String, _ page: PageRequest) async throws -> Page<APIToken> {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM tokens WHERE user = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [user, page.after ?? "", page.limit + 1])
            return Self.page(rows.map(Self.token), limit: page.limit) { $0.id }
        }
    }

    public func revokeToken(id: String, of user: String) async throws -> Bool {
        return try await database.write { db in
            try db.execute(sql: "UPDATE tokens SET revoked = 1 WHERE id = ? AND user = ?", arguments: [id, user])
            return db.changesCount > 0
        }
    }

    /// Records a token's use at most once a minute: a write on every request would make every
    /// request wait for the one writer.
    public func markUsed(token id: String, at time: Double) async throws {
        let due = lastMarked.withLock { marked in
            guard time - (marked[id] ?? -.infinity) >= 60 else { return false }
            marked[id] = time
            return true
        }
        guard due else { return }
        try await database.write { db in try db.execute(sql: "UPDATE tokens SET last_used_at = ? WHERE id = ?", arguments: [time, id]) }
    }

    // MARK: organisations and members

    public func createOrganisation(_ organisation: Organisation, admin: String) async throws {
        try await write("organisation \(organisation.name)") { db in
            try db.execute(sql: "INSERT INTO organisations (name, created_at) VALUES (?, ?)", arguments: [organisation.name, organisation.createdAt])
            try db.execute(
                sql: "INSERT INTO memberships (organisation, user, role) VALUES (?, ?, ?)",
                arguments: [organisation.name, admin, Role.admin.rawValue])
        }
    }

    public func organisation(named name: String) async throws -> Organisation? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM organisations WHERE name = ?", arguments: [name]).map(Self.organisation)
        }
    }

    public func organisations(of user: String, _ page: PageRequest) async throws -> Page<Organisation> {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.* FROM organisations o JOIN memberships m ON m.organisation = o.name
                    WHERE m.user = ? AND o.name > ? ORDER BY o.name LIMIT ?
                    """, arguments: [user, page.after ?? "", page.limit + 1])
            return Self.page(rows.map(Self.organisation), limit: page.limit) { $0.name }
        }
    }

    public func setMembership(_ membership: Membership) async throws {
        try await write("member \(membership.user)") { db in
            try db.execute(
                sql: "INSERT INTO memberships (organisation, user, role) VALUES (?, ?, ?) ON CONFLICT (organisation, user) DO UPDATE SET role = excluded.role",
                arguments: [membership.organisation, membership.user, membership.role.rawValue])
        }
    }

    public func removeMembership(organisation: String, user: String) async throws -> Bool {
        return try await database.write { db in
            try db.execute(sql: "DELETE FROM memberships WHERE organisation = ? AND user = ?", arguments: [organisation, user])
            return db.changesCount > 0
        }
    }

    public func memberships(of user: String) async throws -> [Membership] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM memberships WHERE user = ? ORDER BY organisation", arguments: [user]).compactMap(Self.membership)
        }
    }

    public func members(of organisation: String, _ page: PageRequest) async throws -> Page<Membership> {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM memberships WHERE organisation = ? AND user > ? ORDER BY user LIMIT ?",
                arguments: [organisation, page.after ?? "", page.limit + 1])
            return Self.page(rows.compactMap(Self.membership), limit: page.limit) { $0.user }
        }
    }

    public func membership(of user: String, in organisation: String) async throws -> Membership? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM memberships WHERE organisation = ? AND user = ?", arguments: [organisation, user]).flatMap(Self.membership)
        }
    }

    public func count(of role: Role, in organisation: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM memberships WHERE organisation = ? AND role = ?", arguments: [organisation, role.rawValue]) ?? 0
        }
    }

    // MARK: projects and stacks

    public func createProject(_ project: Project) async throws {
        try await write("project \(project.name)") { db in
            try db.execute(
                sql: "INSERT INTO projects (organisation, name, created_at) VALUES (?, ?, ?)",
                arguments: [project.organisation, project.name, project.createdAt])
        }
    }

    public func project(_ name: String, in organisation: String) async throws -> Project? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM projects WHERE organisation = ? AND name = ?", arguments: [organisation, name]).map(Self.project)
        }
    }

    public func projects(in organisation: String, _ page: PageRequest) async throws -> Page<Project> {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM projects WHERE organisation = ? AND name > ? ORDER BY name LIMIT ?",
                arguments: [organisation, page.after ?? "", page.limit + 1])
            return Self.page(rows.map(Self.project), limit: page.limit) { $0.name }
        }
    }

    public func createStack(_ stack: ManagedStack) async throws {
        try await write("stack \(stack.reference)") { db in
            try db.execute(
                sql: "INSERT INTO stacks (organisation, project, name, environment, protected, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [stack.organisation, stack.project, stack.stack.name, stack.stack.environment, stack.protected, stack.createdAt])
        }
    }

    public func stack(_ stack: StackID, in organisation: String) async throws -> ManagedStack? {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM stacks WHERE organisation = ? AND name = ? AND environment = ?",
                arguments: [organisation, stack.name, stack.environment]
            ).map(Self.stack)
        }
    }

    public func stacks(in organisation: String, project: String?, _ page: PageRequest) async throws -> Page<ManagedStack> {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM stacks WHERE organisation = ? AND (? IS NULL OR project = ?)
                    AND name || '.' || environment > ? ORDER BY name || '.' || environment LIMIT ?
                    """, arguments: [organisation, project, project, page.after ?? "", page.limit + 1])
            return Self.page(rows.map(Self.stack), limit: page.limit) { $0.reference }
        }
    }

    public func setLock(of stack: StackID, in organisation: String, by: String?, reason: String?) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE stacks SET locked_by = ?, lock_reason = ? WHERE organisation = ? AND name = ? AND environment = ?",
                arguments: [by, by == nil ? nil : reason, organisation, stack.name, stack.environment])
        }
    }

    // MARK: variables

    public func setVariable(_ variable: StackVariable, of stack: StackID, in organisation: String) async throws {
        try await write("variable \(variable.name)") { db in
            try db.execute(
                sql: """
                    INSERT INTO variables (organisation, stack_name, environment, name, value, sealed, sensitive, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (organisation, stack_name, environment, name)
                    DO UPDATE SET value = excluded.value, sealed = excluded.sealed, sensitive = excluded.sensitive, updated_at = excluded.updated_at
                    """,
                arguments: [
                    organisation, stack.name, stack.environment, variable.name, variable.value, variable.sealed, variable.sensitive, variable.updatedAt,
                ])
        }
    }

    public func removeVariable(_ name: String, of stack: StackID, in organisation: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM variables WHERE organisation = ? AND stack_name = ? AND environment = ? AND name = ?",
                arguments: [organisation, stack.name, stack.environment, name])
            return db.changesCount > 0
        }
    }

    public func variables(of stack: StackID, in organisation: String) async throws -> [StackVariable] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM variables WHERE organisation = ? AND stack_name = ? AND environment = ? ORDER BY name",
                arguments: [organisation, stack.name, stack.environment]
            ).map { StackVariable(name: $0["name"], value: $0["value"], sealed: $0["sealed"], sensitive: $0["sensitive"], updatedAt: $0["updated_at"]) }
        }
    }

    // MARK: blueprints

    public func addBlueprint(
        text: String, sha256: String, author: String, at time: Double, to stack: StackID, in organisation: String
    ) async throws -> BlueprintVersion {
        try await database.write { db in
            let latest =
                try Int.fetchOne(
                    db, sql: "SELECT MAX(version) FROM blueprints WHERE organisation = ? AND name = ? AND environment = ?",
                    arguments: [organisation, stack.name, stack.environment]) ?? 0
            let version = BlueprintVersion(version: latest + 1, text: text, sha256: sha256, author: author, createdAt: time)
            try db.execute(
                sql: "INSERT INTO blueprints (organisation, name, environment, version, text, sha256, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [organisation, stack.name, stack.environment, version.version, text, sha256, author, time])
            return version
        }
    }

    public func blueprint(version: Int?, of stack: StackID, in organisation: String) async throws -> BlueprintVersion? {
        try await database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM blueprints WHERE organisation = ? AND name = ? AND environment = ? AND (? IS NULL OR version = ?)
                    ORDER BY version DESC LIMIT 1
                    """, arguments: [organisation, stack.name, stack.environment, version, version]
            ).map(Self.blueprint)
        }
    }

    public func summary(of stack: StackID, in organisation: String) async throws -> StackSummary? {
        try await recentSummaries.value(for: [organisation, stack.name, stack.environment]) { try await readSummary(of: stack, in: organisation) }
    }

    private func readSummary(of stack: StackID, in organisation: String) async throws -> StackSummary? {
        try await database.read { db in
            let arguments: StatementArguments = [organisation, stack.name, stack.environment]
            guard
                let managed = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM stacks WHERE organisation = ? AND name = ? AND environment = ?"), arguments: arguments
                ).map(Self.stack)
            else { return nil }
            let blueprint = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT MAX(version) FROM blueprints WHERE organisation = ? AND name = ? AND environment = ?"),
                arguments: arguments)
            let run = try String.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM runs WHERE organisation = ? AND name = ? AND environment = ? ORDER BY seq DESC LIMIT 1"),
                arguments: arguments)
            return (managed, blueprint, run)
        }
    }

    public func blueprints(of stack: StackID, in organisation: String, _ page: PageRequest) async throws -> Page<BlueprintVersion> {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM blueprints WHERE organisation = ? AND name = ? AND environment = ? AND version < ?
                    ORDER BY version DESC LIMIT ?
                    """, arguments: [organisation, stack.name, stack.environment, page.after.flatMap(Int.init) ?? Int.max, page.limit + 1])
            return Self.page(rows.map(Self.blueprint), limit: page.limit) { String($0.version) }
        }
    }

    // MARK: runs

    public func createRun(_ run: Run) async throws {
        let body = try JSONEncoder().encode(run)
        try await write("run \(run.id)") { db in
            try db.execute(
                sql: "INSERT INTO runs (id, organisation, name, environment, state, body) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [run.id, run.organisation, run.stack.name, run.stack.environment, run.state.rawValue, String(decoding: body, as: UTF8.self)])
        }
    }

    public func updateRun(_ run: Run) async throws {
        let body = try JSONEncoder().encode(run)
        try await database.write { db in
            try db.execute(
                sql: "UPDATE runs SET state = ?, body = ? WHERE id = ? AND organisation = ?",
                arguments: [run.state.rawValue, String(decoding: body, as: UTF8.self), run.id, run.organisation])
        }
    }

    public func run(_ id: String, in organisation: String) async throws -> Run? {
        let body = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM runs WHERE id = ? AND organisation = ?", arguments: [id, organisation])
        }
        return try body.map { try Self.run(from: $0) }
    }

    public func runs(of stack: StackID, in organisation: String, _ page: PageRequest) async throws -> Page<Run> {
        let key = [organisation, stack.name, stack.environment, page.after ?? "", String(page.limit)]
        return try await recentRunPages.value(for: key) { try await readRuns(of: stack, in: organisation, page) } ?? Page(items: [], next: nil)
    }

    private func readRuns(of stack: StackID, in organisation: String, _ page: PageRequest) async throws -> Page<Run> {
        // Rows are not Sendable: read them into values inside the closure, or Swift picks
        // GRDB's blocking `read`, which parks a concurrency thread (and with all of them
        // parked, the server) until a reader frees up.
        let rows = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, body FROM runs WHERE organisation = ? AND name = ? AND environment = ? AND seq < ?
                    ORDER BY seq DESC LIMIT ?
                    """, arguments: [organisation, stack.name, stack.environment, page.after.flatMap(Int64.init) ?? Int64.max, page.limit + 1]
            ).map { row -> (seq: Int64, body: String) in (row["seq"], row["body"]) }
        }
        let decoder = JSONDecoder()
        let runs = try rows.map { row -> (Int64, Run) in (row.seq, try decoder.decode(Run.self, from: Data(row.body.utf8))) }
        let page = Self.page(runs, limit: page.limit) { String($0.0) }
        return Page(items: page.items.map(\.1), next: page.next)
    }

    public func newestRuns() async throws -> [Run] {
        let bodies = try await database.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT body FROM runs WHERE seq IN (SELECT MAX(seq) FROM runs GROUP BY organisation, name, environment) ORDER BY seq
                    """)
        }
        return try bodies.map { try Self.run(from: $0) }
    }

    public func unfinishedRuns() async throws -> [Run] {
        let finals = RunState.allCases.filter(\.isFinal).map(\.rawValue)
        let bodies = try await database.read { db in
            try String.fetchAll(
                db, sql: "SELECT body FROM runs WHERE state NOT IN (\(finals.map { _ in "?" }.joined(separator: ", "))) ORDER BY seq",
                arguments: StatementArguments(finals))
        }
        return try bodies.map { try Self.run(from: $0) }
    }

    public func appendLog(_ text: String, at time: Double, to run: String) async throws -> RunLogLine {
        try await database.write { db in
            let next = (try Int.fetchOne(db, sql: "SELECT MAX(line) FROM run_log WHERE run = ?", arguments: [run]) ?? -1) + 1
            try db.execute(sql: "INSERT INTO run_log (run, line, time, text) VALUES (?, ?, ?, ?)", arguments: [run, next, time, text])
            return RunLogLine(index: next, time: time, text: text)
        }
    }

    public func log(of run: String, after index: Int) async throws -> [RunLogLine] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_log WHERE run = ? AND line >= ? ORDER BY line", arguments: [run, index]).map {
                RunLogLine(index: $0["line"], time: $0["time"], text: $0["text"])
            }
        }
    }

    // MARK: rows

    /// Runs a write, turning a uniqueness or reference failure into a `TenantStoreError` naming `what`.
    private func write(_ what: String, _ body: @escaping @Sendable (Database) throws -> Void) async throws {
        do {
            try await database.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            if error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
                throw TenantStoreError(.missing, "\(what) refers to something that does not exist")
            }
            throw TenantStoreError(.exists, "\(what) already exists")
        }
    }

    static func page<T>(_ rows: [T], limit: Int, key: (T) -> String) -> Page<T> {
        guard rows.count > limit else { return Page(items: rows, next: nil) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, next: items.last.map(key))
    }

    private static func user(_ row: Row) -> User {
        User(name: row["name"], serverAdmin: row["server_admin"], createdAt: row["created_at"])
    }

    private static func token(_ row: Row) -> APIToken {
        APIToken(
            id: row["id"], name: row["name"], user: row["user"], secretHash: row["secret_hash"], createdAt: row["created_at"],
            expiresAt: row["expires_at"], lastUsedAt: row["last_used_at"], revoked: row["revoked"])
    }

    private static func organisation(_ row: Row) -> Organisation {
        Organisation(name: row["name"], createdAt: row["created_at"])
    }

    private static func membership(_ row: Row) -> Membership? {
        Role(rawValue: row["role"]).map { Membership(organisation: row["organisation"], user: row["user"], role: $0) }
    }

    private static func project(_ row: Row) -> Project {
        Project(organisation: row["organisation"], name: row["name"], createdAt: row["created_at"])
    }

    private static func stack(_ row: Row) -> ManagedStack {
        ManagedStack(
            organisation: row["organisation"], project: row["project"], stack: StackID(name: row["name"], environment: row["environment"]),
            protected: row["protected"], createdAt: row["created_at"], lockedBy: row["locked_by"], lockReason: row["lock_reason"])
    }

    private static func blueprint(_ row: Row) -> BlueprintVersion {
        BlueprintVersion(version: row["version"], text: row["text"], sha256: row["sha256"], author: row["author"], createdAt: row["created_at"])
    }

    private static func run(from body: String) throws -> Run {
        try JSONDecoder().decode(Run.self, from: Data(body.utf8))
    }
}
