import DharmaAutopilot
import DharmaCore
import DharmaNet
import DharmaProviders
import DharmaStore
import DharmaTestSupport
import Foundation
import Testing

/// Slow queries on a real PostgreSQL server the local runtime runs: the autopilot reads
/// pg_stat_statements, proposes the index from the query's generic plan, creates it when
/// allowed, and verifies it by the query's mean time.
@Suite("Autopilot: slow queries get an index", .serialized)
struct SlowQueryTests {
    func database(heal: String) throws -> String {
        let port = try #require(PortAllocator.freePort())
        return blueprint(
            """
              shop:
                type: database.postgres
                properties:
                  port: \(port)
                  deletionProtection: false
                  heal: \(heal)
            """)
    }

    /// 300,000 orders: a lookup by customer scans them all without an index.
    func fillOrders(_ client: PostgresClient) async throws {
        try await client.execute(
            """
            CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, total numeric, shard int NOT NULL);
            INSERT INTO orders (customer_id, status, total, shard)
              SELECT (i::bigint * 7919) % 40000, (ARRAY['new', 'paid', 'shipped'])[1 + i % 3], i % 100, 0 FROM generate_series(1, 300000) i;
            ANALYZE orders;
            """)
    }

    func client(_ project: ScratchProject) async throws -> PostgresClient {
        let state = try await project.engine.loadState(try project.prepare().stack)
        let shop = try #require(state.resources["shop"])
        return try #require(PostgresClient(shop))
    }

    func indexes(_ client: PostgresClient) async throws -> [String] {
        try await client.execute("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'orders';")
            .split(separator: ",").map(String.init)
    }

    /// Ticks (each look at the server is due after 5 s of the manual clock) until `done`.
    func tick(_ autopilot: Autopilot, _ clock: ManualClock, until done: () async throws -> Bool) async throws {
        for _ in 0..<8 {
            _ = await autopilot.tick()
            if try await done() { return }
            clock.advance(5)
        }
    }

    @Test("heal.indexes auto: the missing index is created concurrently, and the incident resolves once the query's mean has fallen")
    func automatic() async throws {
        let project = try ScratchProject(try database(heal: "{indexes: auto, slowQuery: 2ms}"))
        try await project.destroyingAfter {
            try await project.apply()
            let db = try await client(project)
            try await fillOrders(db)
            for customer in 1...6 { try await db.execute("SELECT id, total FROM orders WHERE customer_id = \(customer) AND status = 'paid';") }
            // What an interrupted earlier attempt leaves: an invalid index of the same name (a
            // failed concurrent build keeps its entry).
            await #expect(throws: PostgresClient.Failure.self) {
                try await db.execute("CREATE UNIQUE INDEX CONCURRENTLY dharma_orders_customer_id_idx ON orders (customer_id);")
            }
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock)
            try await tick(autopilot, clock) { try await project.incidents().first?.phase == .verifying }
            // customer_id has 40,000 values and status 3: the selective column alone.
            #expect(try await indexes(db) == ["dharma_orders_customer_id_idx", "orders_pkey"])
            #expect(
                try await db.execute("SELECT indisvalid AND NOT indisunique FROM pg_index WHERE indexrelid = 'dharma_orders_customer_id_idx'::regclass;") == "t"
            )
            var incident = try #require(try await project.incidents().first)
            #expect(incident.symptom == .slowQuery && incident.phase == .verifying && incident.approvedBy == nil)
            #expect(incident.timeline.contains { $0.text.hasPrefix("dropped the invalid index dharma_orders_customer_id_idx") })
            #expect(incident.slowQuery?.query.contains("customer_id = $1") == true)
            #expect((incident.slowQuery?.meanMilliseconds ?? 0) >= 2)

            // The query runs on, now with the index; its fresh mean is what verifies the fix.
            for customer in 7...10 { try await db.execute("SELECT id, total FROM orders WHERE customer_id = \(customer) AND status = 'paid';") }
            _ = await autopilot.tick()
            incident = try #require(try await project.incidents().first)
            #expect(incident.status == .resolved)
            #expect(incident.timeline.last?.text.contains("with index dharma_orders_customer_id_idx") == true)
            let entries = try await project.auditEntries()
            #expect(entries.contains { $0.actor == "autopilot" && $0.action == "create-index" && $0.reason.contains("CREATE INDEX CONCURRENTLY") })
            #expect(try await project.outcomes().map(\.action) == [.createIndex])
            #expect(try await project.outcomes().first?.succeeded == true)
        }
    }

    @Test("without heal.indexes auto nothing is created until a person approves; an index the planner does not use is dropped and the incident escalated")
    func approvalAndRollback() async throws {
        let project = try ScratchProject(try database(heal: "{slowQuery: 2ms}"))
        try await project.destroyingAfter {
            try await project.apply()
            let db = try await client(project)
            try await fillOrders(db)
            // Every order is in shard 0: for `shard = $1` the planner expects every row, so an
            // index cannot beat reading the table, and the sum needs each row's `total` anyway.
            // (Two values, half the table each, left the choice to sampling and to whether
            // autovacuum had marked the pages all-visible: a flaky test under load.)
            for shard in [0, 1, 0, 1, 0, 1] { try await db.execute("SELECT sum(total) FROM orders WHERE shard = \(shard);") }
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock)
            try await tick(autopilot, clock) { try await project.incidents().first?.timeline.last?.text.contains("awaiting approval") == true }
            for _ in 0..<3 {
                _ = await autopilot.tick()
                clock.advance(5)
            }
            #expect(try await indexes(db) == ["orders_pkey"])
            var incident = try #require(try await project.incidents().first)
            #expect(incident.phase == .waiting && incident.attempts == 0)

            // What `dharma incident ID --approve --as alice` does.
            guard let store = project.engine.store as? any IncidentStore else { throw FixtureError("no incident store") }
            let book = IncidentBook(store: store)
            incident.approve(by: "alice", at: clock.now)
            try await book.save(incident)
            _ = await autopilot.tick()
            #expect(try await indexes(db) == ["dharma_orders_shard_idx", "orders_pkey"])

            for shard in [0, 1, 0] { try await db.execute("SELECT sum(total) FROM orders WHERE shard = \(shard);") }
            // Verification needs the three calls in pg_stat_statements and the generic plan; on a
            // loaded machine that can take more than one tick.
            try await tick(autopilot, clock) { try await project.incidents().first?.isOpen == false }
            incident = try #require(try await project.incidents().first)
            #expect(incident.status == .escalated && incident.approvedBy == "alice")
            #expect(try await indexes(db) == ["orders_pkey"])
            let actions = try await project.auditEntries().filter { $0.actor == "autopilot" }.map(\.action)
            #expect(actions.contains("create-index") && actions.contains("rollback") && actions.contains("incident-escalate"))
            #expect(incident.timeline.contains { $0.text.hasPrefix("the planner does not use the index") }, "\(incident.timeline.map(\.text))")
            // The same query is not proposed again.
            clock.advance(5)
            _ = await autopilot.tick()
            #expect(try await project.incidents().count == 1)
        }
    }
}

extension SlowQueryTests {
    @Test("an index the policy gate refuses is not created: the incident is escalated naming the rule")
    func refusedByPolicy() async throws {
        let project = try ScratchProject(try database(heal: "{indexes: auto, slowQuery: 2ms}") + "\npolicy: {failOn: high}\n")
        try FileManager.default.createDirectory(atPath: project.directory + "/policies", withIntermediateDirectories: true)
        try """
        rules:
          - id: DBA-INDEXES
            title: "Indexes go through the DBA"
            severity: high
            kinds: [database]
            assert: "count(indexes) == 0"
            description: "Schema changes are reviewed."
            remediation: "Ask the DBA to add the index."
        """.write(toFile: project.directory + "/policies/dba.yaml", atomically: true, encoding: .utf8)
        try await project.destroyingAfter {
            try await project.apply()
            let db = try await client(project)
            try await fillOrders(db)
            for customer in 1...6 { try await db.execute("SELECT id, total FROM orders WHERE customer_id = \(customer) AND status = 'paid';") }
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock)
            try await tick(autopilot, clock) { try await project.incidents().first?.status == .escalated }
            let incident = try #require(try await project.incidents().first)
            #expect(incident.status == .escalated && incident.attempts == 0, "waited for the index's refusal: \(incident.timeline)")
            #expect(
                incident.timeline.contains {
                    $0.text.contains("the policy gate refused to create index dharma_orders_customer_id_idx") && $0.text.contains("DBA-INDEXES")
                })
            #expect(try await indexes(db) == ["orders_pkey"])
            #expect(!(try await project.auditEntries()).contains { $0.action == "create-index" })
        }
    }
}
