import DharmaAudit
import DharmaSecurity
import DharmaStore
import DharmaTestKit
import Foundation
import GRDB
import Testing

/// A log in a real SQLite database, tampered with the way an attacker with file access would.
struct LogFixture {
    let path: String
    let store: SQLiteStore
    let log: AuditLog
    let signers: [NoteSigner]

    init(entries: Int) async throws {
        path = Scratch.path("dharma-audit", suffix: ".db")
        store = try SQLiteStore(path: path)
        signers = try KeyDirectory(path: path + ".keys").signers(named: "dharma.test/log")
        log = AuditLog(store: store, origin: "dharma.test/log", signers: signers)
        for index in 0..<entries {
            // One checkpoint per append, as `dharma apply` does.
            try await log.append([
                AuditDraft(
                    actor: "alice@host", action: "apply", stack: "shop/default",
                    resources: ["r\(index)"], reason: "change \(index)")
            ])
        }
    }

    func sql(_ statement: String, _ arguments: StatementArguments = []) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: statement, arguments: arguments) }
    }

    func body(_ seq: Int) throws -> String {
        try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "SELECT body FROM audit_entries WHERE seq = ?", arguments: [seq])! }
    }

    func signedNote(size: UInt64, root: MerkleHash, signers: [NoteSigner]? = nil) throws -> String {
        try SignedNote(text: Checkpoint(origin: "dharma.test/log", size: size, root: root).body, signers: signers ?? self.signers).serialized
    }
}

@Suite("Audit log", .serialized)
struct AuditLogTests {
    @Test("appends get sequence numbers, a signed checkpoint each, and proofs that verify")
    func appendAndProve() async throws {
        let fixture = try await LogFixture(entries: 13)
        #expect(try await fixture.store.auditSize() == 13)
        #expect(try await fixture.store.checkpoints().count == 13)
        let (checkpoint, _) = try #require(try await fixture.log.latestCheckpoint())
        #expect(checkpoint.size == 13)
        for seq in [UInt64(0), 6, 12] {
            let proof = try await fixture.log.inclusionProof(seq: seq, size: 13)
            let leaf = MerkleHasher.leaf(Array(try fixture.body(Int(seq)).utf8))
            try MerkleVerifier.verifyInclusion(leafHash: leaf, index: seq, size: 13, proof: proof, root: checkpoint.root)
        }
        let oldRoot = try await fixture.log.root(size: 5)
        try MerkleVerifier.verifyConsistency(
            old: 5, new: 13, oldRoot: oldRoot, newRoot: checkpoint.root,
            proof: try await fixture.log.consistencyProof(old: 5, new: 13))
        // A batch is one transaction and one checkpoint.
        try await fixture.log.append((0..<10).map { AuditDraft(actor: "ci", action: "apply", stack: "s", reason: "batch \($0)") })
        #expect(try await fixture.store.checkpoints().count == 14)
        #expect(try await fixture.log.verify().ok)
    }

    @Test("an edited body is caught and named")
    func editedBody() async throws {
        let fixture = try await LogFixture(entries: 8)
        try fixture.sql("UPDATE audit_entries SET body = replace(body, 'change 3', 'nothing to see') WHERE seq = 3")
        let report = try await fixture.log.verify()
        #expect(report.firstBadSeq == 3)
        #expect(report.problems.contains { $0.kind == "edited" })
    }

    @Test("edited lookup columns neither hide an entry from a filtered listing nor show it under someone else, and verify names them")
    func editedColumns() async throws {
        let fixture = try await LogFixture(entries: 6)
        try await fixture.log.append([AuditDraft(actor: "bob@host", action: "destroy", stack: "blog/default", resources: ["db"], reason: "gone \"quoted\" / é")]
        )
        #expect(try await fixture.log.verify().ok)
        // What someone with the database file would do to cover alice's tracks and blame bob.
        try fixture.sql("UPDATE audit_entries SET actor = 'bob@host', stack = 'other/default' WHERE seq = 2")
        try fixture.sql("UPDATE audit_entries SET action = 'noop', time = time - 86400 WHERE seq = 4")

        let alices = try await fixture.log.entries(matching: AuditFilter(actor: "alice@host"))
        #expect(alices.map(\.seq) == [0, 1, 2, 3, 4, 5])
        #expect(try await fixture.log.entries(matching: AuditFilter(stack: "shop")).map(\.seq) == [0, 1, 2, 3, 4, 5])
        #expect(try await fixture.log.entries(matching: AuditFilter(actor: "bob@host")).map(\.seq) == [6])
        #expect(try await fixture.log.entries(matching: AuditFilter(stack: "other/default")).isEmpty)
        #expect(try await fixture.log.entries(matching: AuditFilter(stack: "blog/default", since: Date().timeIntervalSince1970 - 60)).map(\.seq) == [6])

        let report = try await fixture.log.verify()
        #expect(!report.ok)
        #expect(report.problems.filter { $0.kind == "column" }.compactMap(\.seq) == [2, 4])
        let second = try #require(report.problems.first { $0.seq == 2 })
        #expect(
            second.message.contains("entry 2's stored columns were edited") && second.message.contains("actor `bob@host` (its body says `alice@host`)")
                && second.message.contains("stack `other/default`"), "\(second.message)")
        let fourth = try #require(report.problems.first { $0.seq == 4 })
        #expect(fourth.message.contains("action `noop`") && fourth.message.contains("time"), "\(fourth.message)")
        // The body of an entry with quotes, a slash and a non-ASCII reason reads back exactly.
        #expect(!report.problems.contains { $0.seq == 6 })
    }

    @Test("an edit that also rewrites the recorded hash is caught by the checkpoints")
    func editedBodyAndHash() async throws {
        let fixture = try await LogFixture(entries: 8)
        let forged = try fixture.body(3).replacingOccurrences(of: "change 3", with: "nothing to see")
        try fixture.sql(
            "UPDATE audit_entries SET body = ?, leaf_hash = ? WHERE seq = 3",
            [forged, Data(MerkleHasher.leaf(Array(forged.utf8)))])
        let report = try await fixture.log.verify()
        #expect(report.firstBadSeq == 3)
        #expect(report.problems.contains { $0.kind == "root" })
    }

    @Test("a deleted entry, swapped entries and a truncated log are named")
    func deletedSwappedTruncated() async throws {
        let deleted = try await LogFixture(entries: 8)
        try deleted.sql("DELETE FROM audit_entries WHERE seq = 4")
        #expect(try await deleted.log.verify().firstBadSeq == 4)

        let swapped = try await LogFixture(entries: 8)
        let two = try swapped.body(2), five = try swapped.body(5)
        try swapped.sql("UPDATE audit_entries SET body = ? WHERE seq = 2", [five])
        try swapped.sql("UPDATE audit_entries SET body = ? WHERE seq = 5", [two])
        let swapReport = try await swapped.log.verify()
        #expect(swapReport.firstBadSeq == 2)
        #expect(swapReport.problems.contains { $0.kind == "swapped" })

        let truncated = try await LogFixture(entries: 8)
        try truncated.sql("DELETE FROM audit_entries WHERE seq >= 6")
        let truncReport = try await truncated.log.verify()
        #expect(truncReport.firstBadSeq == 6)
        #expect(truncReport.problems.contains { $0.kind == "truncated" })
    }

    @Test("a checkpoint with a wrong root, a forged or missing signature, and a fork are reported")
    func checkpoints() async throws {
        let fixture = try await LogFixture(entries: 6)
        #expect(try await fixture.log.verify().ok)

        let wrongRoot = try fixture.signedNote(size: 6, root: MerkleHash(repeating: 7, count: 32))
        try fixture.sql("INSERT INTO audit_checkpoints (size, note, created_at) VALUES (6, ?, 0)", [wrongRoot])
        let report = try await fixture.log.verify()
        #expect(report.problems.contains { $0.kind == "root" })
        #expect(report.problems.contains { $0.kind == "fork" })

        let clean = try await LogFixture(entries: 4)
        let impostor = [
            try NoteSigner.generate(name: "dharma.test/log", algorithm: .ed25519),
            try NoteSigner.generate(name: "dharma.test/log", algorithm: .mldsa65),
        ]
        let forged = try clean.signedNote(size: 4, root: try await clean.log.root(size: 4), signers: impostor)
        try clean.sql("INSERT INTO audit_checkpoints (size, note, created_at) VALUES (4, ?, 0)", [forged])
        let onlyEd = try clean.signedNote(size: 4, root: try await clean.log.root(size: 4), signers: [clean.signers[0]])
        try clean.sql("INSERT INTO audit_checkpoints (size, note, created_at) VALUES (4, ?, 0)", [onlyEd])
        let signatureProblems = try await clean.log.verify().problems.filter { $0.kind == "signature" }
        #expect(signatureProblems.count == 2)
        #expect(signatureProblems.contains { $0.message.contains("ML-DSA-65") })
    }

    @Test("an append that does not continue the log is refused whole")
    func refusedAppend() async throws {
        let fixture = try await LogFixture(entries: 2)
        let record = AuditRecord(seq: 5, time: 0, actor: "x", action: "apply", stack: "s", body: "{}", leafHash: [])
        await #expect(throws: StoreError.self) { try await fixture.store.appendAudit([record], nodes: []) }
        #expect(try await fixture.store.auditSize() == 2)
    }
}

@Suite("Audit key rotation", .serialized)
struct KeyRotationTests {
    @Test("rotation is a log entry signed with the new keys, and checkpoints made before it still verify")
    func rotate() async throws {
        let directory = Scratch.directory("dharma-rotate")
        let store = try SQLiteStore(path: directory + "/dharma.db")
        let before = try AuditLog.local(store: store, stateDirectory: directory, databasePath: directory + "/dharma.db")
        for index in 0..<3 { try await before.append([AuditDraft(actor: "a", action: "apply", stack: "s", reason: "\(index)")]) }
        let oldKeys = await before.currentVerifiers

        let (after, entry) = try await AuditLog.rotateKeys(
            store: store, stateDirectory: directory, databasePath: directory + "/dharma.db",
            reason: "yearly rotation")
        #expect(entry.action == "key-rotate" && entry.seq == 3 && entry.reason.hasPrefix("yearly rotation; retired"))
        let newKeys = await after.currentVerifiers
        #expect(Set(newKeys).isDisjoint(with: oldKeys))
        try await after.append([AuditDraft(actor: "a", action: "apply", stack: "s", reason: "after")])

        let reopened = try AuditLog.local(store: store, stateDirectory: directory, databasePath: directory + "/dharma.db")
        #expect(try await reopened.verify().ok)
        #expect(try await reopened.latestCheckpoint()?.0.size == 5)
        // The last checkpoint is signed with the new keys only.
        let last = try #require(try await store.checkpoints().last)
        #expect(throws: CheckpointPolicy.Failure.self) { try CheckpointPolicy(logKeys: oldKeys).verify(last.note) }
        #expect(try CheckpointPolicy(logKeys: newKeys).verify(last.note).size == 5)
    }
}

@Suite("Audit keys lost", .serialized)
struct LostKeyTests {
    @Test("a replaced key file is refused instead of silently starting a second history")
    func lostKey() async throws {
        let directory = Scratch.directory("dharma-lost")
        let store = try SQLiteStore(path: directory + "/dharma.db")
        let log = try AuditLog.local(store: store, stateDirectory: directory, databasePath: directory + "/dharma.db")
        try await log.append([AuditDraft(actor: "a", action: "apply", stack: "s", reason: "first")])
        try FileManager.default.removeItem(atPath: directory + "/keys/\(AuditLog.keyName).key")
        let fresh = try AuditLog.local(store: store, stateDirectory: directory, databasePath: directory + "/dharma.db")
        await #expect { try await fresh.append([AuditDraft(actor: "a", action: "apply", stack: "s", reason: "second")]) } throws: {
            "\($0)".contains("did not sign its latest checkpoint")
        }
        #expect(try await store.auditSize() == 1)
    }
}
