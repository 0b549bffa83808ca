import DharmaCore
import DharmaSecurity
import DharmaTestKit
import Foundation
import GRDB
import Testing

@testable import DharmaStore

@Suite("SQLite store: secrets at rest")
struct SealedSecretsTests {
    let stack = StackID(name: "shop", environment: "default")
    let value = "hunter2-\(UUID().uuidString)"

    func secret(_ value: String) -> ResourceState {
        ResourceState(
            name: "token", type: "security.secret", provider: .local, region: "local-1",
            inputs: ["path": "token.txt", "value": .string(value), "length": 32], outputs: ["sha256": "abc"],
            dependencies: [], lifecycle: Lifecycle())
    }

    /// Every byte the database keeps on disk (the file and its write-ahead log).
    func bytes(_ path: String) throws -> Data {
        var data = Data()
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) { data += try Data(contentsOf: URL(fileURLWithPath: file)) }
        return data
    }

    @Test("a secret's value is sealed in the resource row and in every version, read back in clear, and nowhere on disk")
    func sealedAtRest() async throws {
        let path = Scratch.path("dharma-sealed", suffix: "/.dharma/dharma.db")
        let keys = (path as NSString).deletingLastPathComponent + "/keys"
        let store = try SQLiteStore(path: path, sealer: SealingKeys(directory: keys))
        try await store.record(secret(value), in: stack)
        try await store.commitVersion(of: stack, outputs: [:], operation: .apply, summary: "apply: 1 created")
        #expect(try await store.state(of: stack).resources["token"]?.inputs["value"] == .string(value))
        #expect(try bytes(path).range(of: Data(value.utf8)) == nil, "the value is nowhere in the database files")
        let attributes = try FileManager.default.attributesOfItem(atPath: keys + "/sealing.key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // Reopened by another process, with the key: the same value.
        let reopened = try SQLiteStore(path: path, sealer: SealingKeys(directory: keys))
        #expect(try await reopened.state(of: stack).resources["token"]?.inputs["value"] == .string(value))
        // Without a sealer, a sealed secret is an error and a new one is refused, never clear text.
        let keyless = try SQLiteStore(path: path)
        await #expect { try await keyless.state(of: stack) } throws: { "\($0)".contains("opened without their key") }
        await #expect { try await keyless.record(secret("other"), in: StackID(name: "other", environment: "default")) } throws: {
            "\($0)".contains("never stored in clear")
        }
    }

    @Test("a missing key file is a clear error, and nothing is changed")
    func missingKey() async throws {
        let path = Scratch.path("dharma-sealed", suffix: "/.dharma/dharma.db")
        let keys = (path as NSString).deletingLastPathComponent + "/keys"
        try await SQLiteStore(path: path, sealer: SealingKeys(directory: keys)).record(secret(value), in: stack)
        try FileManager.default.moveItem(atPath: keys + "/sealing.key", toPath: keys + "/../sealing.key.bak")
        let before = try bytes(path)
        let store = try SQLiteStore(path: path, sealer: SealingKeys(directory: keys))
        await #expect { try await store.state(of: stack) } throws: { "\($0)".contains("restore the key file from a backup") }
        // A new secret in another stack does not quietly start a second key pair either.
        await #expect { try await store.record(secret("x"), in: StackID(name: "other", environment: "default")) } throws: {
            "\($0)".contains("the sealing key file is missing")
        }
        #expect(!FileManager.default.fileExists(atPath: keys + "/sealing.key"))
        #expect(try bytes(path).count >= before.count)
    }

    @Test("secrets an older Dharma stored in clear are sealed when the store is opened with a key")
    func sealsOldClearText() async throws {
        let path = Scratch.path("dharma-sealed", suffix: "/.dharma/dharma.db")
        let keys = (path as NSString).deletingLastPathComponent + "/keys"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(old, upTo: "v5-version-operation")
        let resource = secret(value)
        try await old.write { db in
            try db.execute(sql: "INSERT INTO stacks (name, environment, serial, created_at, updated_at) VALUES ('shop', 'default', 1, 0, 0)")
            try db.execute(
                sql: """
                    INSERT INTO resources (stack_id, name, type, provider, region, inputs, outputs, dependencies, lifecycle, updated_at)
                    VALUES (1, 'token', 'security.secret', 'local', 'local-1', ?, '{}', '[]', ?, 0)
                    """, arguments: [try JSON.text(resource.inputs), try JSON.text(Lifecycle())])
            try db.execute(
                sql:
                    "INSERT INTO state_versions (stack_id, version, serial, created_at, summary, snapshot, operation) VALUES (1, 1, 1, 0, 'apply', ?, 'apply')",
                arguments: [try JSON.text(StackState(stack: stack, serial: 1, resources: ["token": resource]))])
        }
        try old.close()
        #expect(try bytes(path).range(of: Data(value.utf8)) != nil, "the old database holds it in clear")
        let store = try SQLiteStore(path: path, sealer: SealingKeys(directory: keys))
        #expect(try await store.state(of: stack).resources["token"]?.inputs["value"] == .string(value))
        try await store.database.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try await store.database.writeWithoutTransaction { try $0.execute(sql: "VACUUM") }
        #expect(try bytes(path).range(of: Data(value.utf8)) == nil, "sealed in the row and the version")
    }

    @Test("rotation re-seals every value under a new key pair; the old pair is kept retired")
    func rotation() async throws {
        let path = Scratch.path("dharma-sealed", suffix: "/.dharma/dharma.db")
        let keys = SealingKeys(directory: (path as NSString).deletingLastPathComponent + "/keys")
        let store = try SQLiteStore(path: path, sealer: keys)
        try await store.record(secret(value), in: stack)
        try await store.commitVersion(of: stack, outputs: [:], operation: .apply, summary: "apply")
        let before = try keys.currentKeyID()
        let next = try keys.beginRotation()
        #expect(try await store.reseal(to: next) == 2, "the row and the version")
        try keys.finishRotation()
        #expect(try keys.currentKeyID() != before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: keys.directory).contains { $0.hasPrefix("sealing.retired-") })
        let reopened = try SQLiteStore(path: path, sealer: SealingKeys(directory: keys.directory))
        #expect(try await reopened.state(of: stack).resources["token"]?.inputs["value"] == .string(value))
        let keyID = try await reopened.database.read { try String.fetchOne($0, sql: "SELECT key_id FROM stack_keys") }
        #expect(keyID == (try keys.currentKeyID()))
    }
}
