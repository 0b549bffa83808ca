import DharmaCore
import DharmaTestKit
import Foundation
import GRDB
import Testing

@testable import DharmaStore

/// What only the SQLite file has: reopening, a damaged file, older databases. What every store
/// does is in `StoreConformanceTests`.
@Suite("SQLite store")
struct SQLiteStoreTests {
    let stack = StackID(name: "shop", environment: "default")

    func temporaryDatabase() -> String {
        Scratch.path("dharma-store", suffix: "/.dharma/dharma.db")
    }

    func resource(_ name: String, content: String = "x") -> ResourceState {
        ResourceState(
            name: name, type: "storage.file", provider: .local, region: "local-1",
            inputs: ["path": .string(name), "content": .string(content), "mode": "0644"],
            outputs: ["sha256": "abc"], dependencies: [], lifecycle: Lifecycle(ignoreChanges: ["mode"]))
    }

    @Test("state survives reopening the database, and migrations run once")
    func reopen() async throws {
        let path = temporaryDatabase()
        try await SQLiteStore(path: path).record(resource("a"), in: stack)
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.state(of: stack).resources.count == 1)
    }

    @Test("a file that is not a database is refused with a clear error and left untouched")
    func corruptDatabase() throws {
        let path = temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("a garbage file was accepted as a database")
        } catch let error as StoreError {
            #expect(error.description.contains(path))
            #expect(error.description.contains("left untouched"))
        }
        #expect(FileManager.default.contents(atPath: path) == garbage)
    }

    @Test("each version records the operation that made it; versions an older Dharma wrote get theirs from the summary")
    func versionOperations() async throws {
        let path = temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // A database as the release before operations were recorded left it.
        let old = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(old, upTo: "v4-incidents")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO stacks (name, environment, created_at, updated_at) VALUES ('shop', 'default', 0, 0)")
            for (version, summary) in [(1, "apply: 1 created"), (2, "destroy: 1 deleted"), (3, "restart: web replica 0")] {
                try db.execute(
                    sql: "INSERT INTO state_versions (stack_id, version, serial, created_at, summary, snapshot) VALUES (1, ?, 1, 0, ?, ?)",
                    arguments: [version, summary, #"{"stack":{"name":"shop","environment":"default"},"serial":1,"resources":{}}"#])
            }
        }
        try old.close()
        let store = try SQLiteStore(path: path)
        try await store.commitVersion(of: stack, outputs: [:], operation: .reconcile, summary: "up: 0 created")
        #expect(try await store.versions(of: stack).map(\.operation) == [.apply, .destroy, .remediate, .reconcile])
    }

    @Test("an incident or outcome whose stored kind was edited to a name Dharma never writes is refused, naming the column")
    func editedKinds() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let id = try await store.openIncident(
            StoredIncident(
                stack: "shop/default", resource: "web", symptom: .crash, status: .open,
                openedAt: 1, updatedAt: 1, closedAt: nil, body: "{}"))
        try await store.recordOutcome(RemediationOutcome(stack: "shop/default", symptom: .crash, action: .restart, succeeded: true, seconds: 1, time: 1))
        #expect(try await store.incident(id: id)?.symptom == .crash)
        #expect(try await store.outcomes(stack: nil).map(\.action) == [.restart])
        try await store.database.write { db in
            try db.execute(sql: "UPDATE incidents SET status = 'closed-by-hand'")
            try db.execute(sql: "UPDATE remediation_outcomes SET action = 'reboot'")
        }
        await #expect { try await store.incident(id: id) } throws: { "\($0)".contains("incidents.status holds `closed-by-hand`") }
        await #expect { try await store.outcomes(stack: nil) } throws: { "\($0)".contains("remediation_outcomes.action holds `reboot`") }
    }
}
