import DharmaCore
import DharmaTestKit
import Foundation
import Testing

@testable import DharmaStore

/// What every state store does, checked on SQLite and on PostgreSQL alike: callers never learn
/// which one they talk to.
@Suite("State store conformance (SQLite and PostgreSQL)")
struct StoreConformanceTests {
    let stack = StackID(name: "shop", environment: "default")

    func resource(_ name: String, content: String = "x") -> ResourceState {
        ResourceState(
            name: name, type: "storage.file", provider: .local, region: "local-1",
            inputs: ["path": .string(name), "content": .string(content), "mode": "0644"],
            outputs: ["sha256": "abc"], dependencies: ["base"], lifecycle: Lifecycle(ignoreChanges: ["mode"]))
    }

    func secret(_ value: String) -> ResourceState {
        ResourceState(
            name: "token", type: "security.secret", provider: .local, region: "local-1",
            inputs: ["path": "token.txt", "value": .string(value), "length": 32], outputs: ["sha256": "abc"],
            dependencies: [], lifecycle: Lifecycle())
    }

    @Test("PostgreSQL is configured, so every test below runs on it too")
    func postgresConfigured() throws {
        if TestBackend.postgresURL == nil { try Test.cancel(TestBackend.skipReason) }
    }

    @Test("state: records round-trip, each change bumps the serial, versions snapshot the stack", arguments: TestBackend.available)
    func state(backend: TestBackend) async throws {
        let store = try backend.makeStore()
        #expect(try await store.state(of: stack) == StackState(stack: stack))
        #expect(try await store.record(resource("a"), in: stack) == 1)
        #expect(try await store.record(resource("b"), in: stack) == 2)
        #expect(try await store.record(resource("a", content: "y"), in: stack) == 3)
        let first = try await store.commitVersion(of: stack, outputs: ["url": "http://x"], operation: .apply, summary: "apply: 2 created")
        #expect(first.version == 1 && first.resourceCount == 2 && first.serial == 3 && first.operation == .apply)
        #expect(try await store.remove("b", in: stack) == 4)
        try await store.commitVersion(of: stack, outputs: [:], operation: .destroy, summary: "destroy: 1 deleted")

        let state = try await store.state(of: stack)
        #expect(state.serial == 4)
        #expect(state.resources.keys.sorted() == ["a"])
        #expect(state.resources["a"] == resource("a", content: "y"))
        #expect(try await store.versions(of: stack).map(\.resourceCount) == [2, 1])
        #expect(try await store.versions(of: stack).map(\.operation) == [.apply, .destroy])
        #expect(try await store.snapshot(of: stack, version: 1)?.resources.keys.sorted() == ["a", "b"])
        #expect(try await store.snapshot(of: stack, version: 9) == nil)
        #expect(try await store.outputs(of: stack) == [:])
        #expect(try await store.outputs(of: StackID(name: "none", environment: "default")) == [:])
        let summaries = try await store.stacks()
        #expect(summaries == [StackSummary(stack: stack, serial: 4, resourceCount: 1, latestVersion: 2)])
    }

    @Test("locks: a second holder is refused by name, a dead local holder's lock is broken, a remote one never", arguments: TestBackend.available)
    func locks(backend: TestBackend) async throws {
        let store = try backend.makeStore()
        let me = LockHolder.current("apply")
        #expect(try await store.lock(stack, as: me) == .acquired)
        await #expect { try await store.lock(stack, as: LockHolder(pid: me.pid, host: me.host, operation: "plan", since: 0)) } throws: {
            "\($0)".contains("locked by pid \(me.pid) on \(me.host) (apply")
        }
        #expect(try await store.lockHolder(of: stack) == me)
        try await store.unlock(stack, holder: me)
        #expect(try await store.lockHolder(of: stack) == nil)

        let dead = LockHolder(pid: 999_999, host: me.host, operation: "apply", since: 1)
        #expect(try await store.lock(stack, as: dead) == .acquired)
        #expect(try await store.lock(stack, as: me) == .brokeStale(dead))
        _ = try await store.breakLock(stack)
        let remote = LockHolder(pid: 1, host: "elsewhere", operation: "apply", since: 1)
        _ = try await store.lock(stack, as: remote)
        await #expect(throws: LockError.self) { try await store.lock(stack, as: me) }
        #expect(try await store.breakLock(stack) == remote)
    }

    @Test("secrets: sealed in the resource and every version, read back in clear, refused without the key", arguments: TestBackend.available)
    func secrets(backend: TestBackend) async throws {
        let store = try backend.makeStore()
        let value = "hunter2-\(UUID().uuidString)"
        try await store.record(secret(value), in: stack)
        try await store.commitVersion(of: stack, outputs: [:], operation: .apply, summary: "apply: 1 created")
        #expect(try await store.state(of: stack).resources["token"]?.inputs["value"] == .string(value))
        let atRest = try #require(try await store.snapshot(of: stack, version: 1)?.resources["token"]?.inputs["value"])
        #expect(SealedValue.ciphertext(of: atRest) != nil, "a version keeps the value sealed")
        #expect(!"\(atRest)".contains(value))
        #expect(try await store.unseal(atRest, in: stack) == .string(value))
        let sealed = try await store.seal(.string("plan-secret"), in: stack)
        #expect(SealedValue.ciphertext(of: sealed) != nil)
        #expect(try await store.unseal(.list([sealed, "plain"]), in: stack) == .list(["plan-secret", "plain"]))

        let keyless = try backend.makeStore(sealed: false)
        await #expect { try await keyless.record(secret("other"), in: stack) } throws: { "\($0)".contains("never stored in clear") }
    }

    @Test("audit: appends continue the log or are refused whole; entries, nodes and checkpoints read back", arguments: TestBackend.available)
    func audit(backend: TestBackend) async throws {
        let store = try backend.makeStore()
        #expect(try await store.auditSize() == 0)
        let entries = (0..<2_500).map { seq in
            AuditRecord(
                seq: UInt64(seq), time: Double(seq), actor: "alice", action: "apply", stack: seq.isMultiple(of: 2) ? "shop" : "blog",
                body: #"{"seq":\#(seq)}"#, leafHash: Array(repeating: UInt8(seq % 256), count: 32))
        }
        try await store.appendAudit(
            entries, nodes: [AuditNode(level: 1, index: 0, hash: Array(repeating: 7, count: 32)), AuditNode(level: 3, index: 2, hash: [1, 2])])
        #expect(try await store.auditSize() == 2_500)
        await #expect { try await store.appendAudit([entries[4]], nodes: []) } throws: { "\($0)".contains("does not continue the log at 2500") }
        #expect(try await store.auditSize() == 2_500)

        #expect(try await store.auditEntries(from: 10, to: 13) == Array(entries[10..<13]))
        var visited: [UInt64] = []
        try await store.forEachAuditEntry(from: 0, to: 2_500) { visited.append($0.seq) }
        #expect(visited == (0..<2_500).map(UInt64.init))
        let nodes = try await store.auditNodes([.init(level: 1, index: 0), .init(level: 3, index: 2), .init(level: 9, index: 9)])
        #expect(nodes == [.init(level: 1, index: 0): Array(repeating: 7, count: 32), .init(level: 3, index: 2): [1, 2]])

        #expect(try await store.lastCheckpoint() == nil)
        try await store.appendCheckpoint(size: 2, note: "first\n")
        try await store.appendCheckpoint(size: 2_500, note: "second\n")
        let last = try #require(try await store.lastCheckpoint())
        #expect(last.size == 2_500 && last.note == "second\n")
        try await store.addCosignature(checkpoint: last.id, lines: "— witness sig\n")
        #expect(try await store.checkpoints().map(\.note) == ["first\n", "second\n— witness sig\n"])
    }

    @Test("incidents and remediation outcomes: stored, updated, filtered, newest first", arguments: TestBackend.available)
    func incidents(backend: TestBackend) async throws {
        let store = try backend.makeStore()
        var first = StoredIncident(
            stack: "shop", resource: "web", symptom: .crash, status: .open, openedAt: 1, updatedAt: 1, closedAt: nil, body: "{}")
        first.id = try await store.openIncident(first)
        let second = try await store.openIncident(
            StoredIncident(stack: "blog", resource: "db", symptom: .crash, status: .open, openedAt: 2, updatedAt: 2, closedAt: nil, body: "{}"))
        first.status = .resolved
        first.closedAt = 5
        first.updatedAt = 5
        try await store.updateIncident(first)
        #expect(try await store.incident(id: first.id) == first)
        #expect(try await store.incidents(stack: nil, openOnly: false, limit: 10).map(\.id) == [second, first.id])
        #expect(try await store.incidents(stack: nil, openOnly: true, limit: 10).map(\.id) == [second])
        #expect(try await store.incidents(stack: "shop", openOnly: false, limit: 10).map(\.id) == [first.id])
        #expect(try await store.incidents(stack: "shop", openOnly: true, limit: 10).isEmpty)
        var missing = first
        missing.id = 9_999
        await #expect { try await store.updateIncident(missing) } throws: { "\($0)".contains("incident 9999 is not in the database") }

        try await store.recordOutcome(RemediationOutcome(stack: "shop", symptom: .crash, action: .restart, succeeded: true, seconds: 1.5, time: 3))
        try await store.recordOutcome(RemediationOutcome(stack: "blog", symptom: .crash, action: .restart, succeeded: false, seconds: 9, time: 4))
        #expect(try await store.outcomes(stack: nil).map(\.succeeded) == [true, false])
        #expect(try await store.outcomes(stack: "blog").map(\.seconds) == [9])
    }

    @Test("metrics: chunks by series prefix (an underscore is literal) and time, replaced in one step, measured", arguments: TestBackend.available)
    func metrics(backend: TestBackend) async throws {
        let store = try backend.makeStore()
        let chunks = [
            StoredMetricChunk(series: #"cpu{resource="web"}"#, firstTime: 0, lastTime: 99, count: 10, data: [1, 2, 3]),
            StoredMetricChunk(series: #"cpu{resource="web"}"#, firstTime: 100, lastTime: 199, count: 10, data: [4]),
            StoredMetricChunk(series: #"cpuXload{resource="web"}"#, firstTime: 0, lastTime: 99, count: 5, data: [5]),
            StoredMetricChunk(series: #"cpu_load{resource="web"}"#, firstTime: 0, lastTime: 99, count: 5, data: [6]),
            StoredMetricChunk(series: "cpu", resolution: .fiveMinutes, firstTime: 0, lastTime: 99, count: 1, data: [7]),
        ]
        try await store.appendMetricChunks(chunks)
        #expect(try await store.metricChunks(name: "cpu", resolution: .raw, from: 150, to: 500) == [chunks[1]])
        #expect(try await store.metricChunks(name: "cpu_load", resolution: .raw, from: 0, to: 500) == [chunks[3]])
        #expect(try await store.metricChunks(name: "cpu", resolution: .fiveMinutes, from: 0, to: 500) == [chunks[4]])
        #expect(try await store.metricChunks(resolution: .raw, endingBefore: 100).count == 3)
        #expect(try await store.metricBytes() == MetricFootprint(chunks: 5, samples: 31, bytes: 7))

        let rollup = StoredMetricChunk(series: #"cpu{resource="web"}"#, resolution: .raw, firstTime: 0, lastTime: 99, count: 1, data: [9])
        try await store.replaceMetricChunks(resolution: .raw, endingBefore: 100, with: [rollup])
        #expect(try await store.metricChunks(name: "cpu", resolution: .raw, from: 0, to: 500) == [rollup, chunks[1]])
    }
}
