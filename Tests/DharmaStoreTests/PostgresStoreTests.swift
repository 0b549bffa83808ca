import DharmaCore
import DharmaNet
import DharmaTestKit
import Foundation
import Testing

@testable import DharmaStore

/// What only a shared database has to get right: several processes (here, separate connection
/// pools) writing at once, and a server that is missing or refuses us.
@Suite("PostgreSQL store", .enabled(if: TestBackend.postgresURL != nil, TestBackend.skipReason))
struct PostgresStoreTests {
    let stack = StackID(name: "shop", environment: "default")

    /// A second pool on the same database: another process, as far as the server can tell.
    func pools(_ count: Int) throws -> [PostgresPool] {
        let settings = try #require(TestBackend.postgresSettings)
        return (0..<count).map { _ in PostgresPool(settings, maximumConnections: 4) }
    }

    @Test("changes from several processes to one stack take turns: no serial is handed out twice, no resource lost")
    func concurrentRecords() async throws {
        let schema = TestBackend.freshSchema()
        let pools = try pools(3)
        defer { pools.forEach { $0.close() } }
        let stores = try pools.map { try PostgresStore(pool: $0, schema: schema) }
        let serials = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<60 {
                let store = stores[index % stores.count]
                group.addTask {
                    try await store.record(
                        ResourceState(
                            name: "r\(index)", type: "storage.file", provider: .local, region: "local-1", inputs: ["path": .string("r\(index)")],
                            outputs: [:], dependencies: [], lifecycle: Lifecycle()), in: stack)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(serials.sorted() == Array(1...60))
        let state = try await stores[0].state(of: stack)
        #expect(state.serial == 60 && state.resources.count == 60)
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for store in stores { group.addTask { try await store.commitVersion(of: stack, outputs: [:], operation: .apply, summary: "apply").version } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(versions.sorted() == [1, 2, 3])
    }

    @Test("two processes appending to one audit log at once: one continues it, the other is refused whole")
    func concurrentAuditAppends() async throws {
        let schema = TestBackend.freshSchema()
        let pools = try pools(2)
        defer { pools.forEach { $0.close() } }
        let stores = try pools.map { try PostgresStore(pool: $0, schema: schema) }
        try await stores[0].migrate()
        let (alice, bob) = (Self.entries(by: "alice"), Self.entries(by: "bob"))
        async let first: Bool = (try? await stores[0].appendAudit(alice, nodes: [])) != nil
        async let second: Bool = (try? await stores[1].appendAudit(bob, nodes: [])) != nil
        let outcomes = await [first, second]
        #expect(outcomes.filter { $0 }.count == 1, "exactly one append wins")
        let entries = try await stores[1].auditEntries(from: 0, to: 1_000)
        #expect(entries.count == 500)
        #expect(Set(entries.map(\.actor)).count == 1, "no interleaving: every entry is from the append that won")
    }

    @Test("a migrated schema is migrated once, whichever process starts first")
    func migrationsOnce() async throws {
        let schema = TestBackend.freshSchema()
        let pools = try pools(3)
        defer { pools.forEach { $0.close() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for pool in pools { group.addTask { try await PostgresStore(pool: pool, schema: schema).migrate() } }
            try await group.waitForAll()
        }
        let store = try PostgresStore(pool: pools[0], schema: schema)
        let applied = try await store.read { connection in
            try await store.single(Int.self, "SELECT COUNT(*) FROM \(unescaped: store.table("schema_migrations"))", on: connection)
        }
        #expect(applied == PostgresSchema.migrations.count)
    }

    @Test("a server that is not there, a wrong password and bad URLs are refused saying what and where, never with the password")
    func badConnections() async throws {
        let settings = try #require(TestBackend.postgresSettings)
        var closedPort = settings
        closedPort.port = try #require(PortAllocator.freePort(), "a free loopback port")
        let nowhere = PostgresPool(closedPort, connectTimeout: .seconds(1))
        defer { nowhere.close() }
        await #expect { try await PostgresStore(pool: nowhere, schema: "dharma").stacks() } throws: { error in
            let text = "\(error)"
            return text.contains("127.0.0.1:\(closedPort.port)") && !text.contains(settings.password ?? "\u{0}")
        }

        var wrongPassword = settings
        wrongPassword.password = "not-the-password"
        let refused = PostgresPool(wrongPassword, connectTimeout: .seconds(2))
        defer { refused.close() }
        await #expect { try await PostgresStore(pool: refused, schema: "dharma").stacks() } throws: { error in
            "\(error)".contains("password authentication failed") && !"\(error)".contains("not-the-password")
        }

        #expect { try PostgresSettings.parse("mysql://a@b/c", source: "--database") } throws: { "\($0)".contains("is not a postgres:// URL") }
        #expect { try PostgresSettings.parse("postgres://a:secret@host", source: "--database") } throws: {
            "\($0)".contains("names no database") && !"\($0)".contains("secret")
        }
        #expect { try PostgresSettings.parse("postgres://a@h/d?sslmode=maybe", source: "DHARMA_DATABASE") } throws: {
            "\($0)".contains("DHARMA_DATABASE: sslmode `maybe` is not one of disable, prefer, require, verify-full")
        }
        #expect(throws: StoreError.self) { try PostgresStore(pool: PostgresPool.shared(settings), schema: "Robert'); DROP TABLE") }
        let parsed = try PostgresSettings.parse("postgresql://dharma:p%40ss@db.internal:6432/fleet?sslmode=require", source: "--database")
        #expect(parsed == PostgresSettings(host: "db.internal", port: 6432, user: "dharma", password: "p@ss", database: "fleet", tls: .require))
        #expect(parsed.description == "postgres://dharma@db.internal:6432/fleet")
    }

    static func entries(by actor: String) -> [AuditRecord] {
        (0..<500).map {
            AuditRecord(seq: UInt64($0), time: 1, actor: actor, action: "apply", stack: "shop", body: "{}", leafHash: [UInt8](repeating: 1, count: 32))
        }
    }
}
