import DharmaCore
import DharmaTestKit
import Foundation
import GRDB
import Testing

@testable import DharmaStore

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

    @Test("records round-trip, every change bumps the serial, versions snapshot the stack")
    func roundTrip() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        #expect(try await store.state(of: stack) == StackState(stack: stack))
        #expect(try await store.record(resource("a"), in: stack) == 1)
        #expect(try await store.record(resource("b"), in: stack) == 2)
        #expect(try await store.record(resource("a", content: "y"), in: stack) == 3)
        let version = try await store.commitVersion(of: stack, outputs: ["url": "http://x"], operation: .apply, summary: "apply: 2 created")
        #expect(version.version == 1 && version.resourceCount == 2 && version.serial == 3)
        #expect(try await store.remove("b", in: stack) == 4)
        try await store.commitVersion(of: stack, outputs: [:], operation: .apply, summary: "apply: 1 deleted")

        let state = try await store.state(of: stack)
        #expect(state.serial == 4)
        #expect(state.resources.keys.sorted() == ["a"])
        #expect(state.resources["a"] == resource("a", content: "y"))
        #expect(try await store.versions(of: stack).map(\.resourceCount) == [2, 1])
        #expect(try await store.stacks().map(\.stack) == [stack])
    }

    @Test("state survives reopening the database, and migrations run once")
    func reopen() async throws {
        let path = temporaryDatabase()
        try await SQLiteStore(path: path).record(resource("a"), in: stack)
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.state(of: stack).resources.count == 1)
    }

    @Test("a second lock fails at once naming the holder; a dead holder's lock is broken")
    func locks() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let me = LockHolder.current("apply")
        #expect(try await store.lock(stack, as: me) == .acquired)
        let other = LockHolder(pid: me.pid, host: me.host, operation: "apply", since: 0)
        do {
            _ = try await store.lock(stack, as: other)
            Issue.record("a held lock was taken twice")
        } catch let error as LockError {
            #expect(error.description.contains("locked by pid \(me.pid) on \(me.host) (apply"))
            #expect(error.description.contains("dharma state unlock"))
        }
        try await store.unlock(stack, holder: me)
        #expect(try await store.lockHolder(of: stack) == nil)

        // A holder that no longer exists on this host: the next lock breaks it and says so.
        let dead = LockHolder(pid: 999_999, host: me.host, operation: "apply", since: 1)
        #expect(try await store.lock(stack, as: dead) == .acquired)
        #expect(try await store.lock(stack, as: me) == .brokeStale(dead))
        // Another host's lock is never assumed dead.
        _ = try await store.breakLock(stack)
        let remote = LockHolder(pid: 1, host: "elsewhere", operation: "apply", since: 1)
        _ = try await store.lock(stack, as: remote)
        await #expect(throws: LockError.self) { try await store.lock(stack, as: me) }
        #expect(try await store.breakLock(stack) == remote)
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
