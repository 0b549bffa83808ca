import DharmaCore
import Foundation
import GRDB

/// Sensitive values at rest (see `SecretCodec`): each stack's data key is kept sealed to the key
/// pair of the store's sealer (X-Wing), in `stack_keys`.
extension SQLiteStore {
    /// Encrypts `value` with the stack's data key, made on first use.
    public func seal(_ value: Value, in stack: StackID) async throws -> Value {
        try await database.write { db in
            try self.codec.seal(value, key: try self.dataKey(stackRow: try Self.stackID(stack, in: db), in: db))
        }
    }

    /// Decrypts every sealed value in `value`.
    public func unseal(_ value: Value, in stack: StackID) async throws -> Value {
        guard SealedValue.containsSealed(value) else { return value }
        return try await database.read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM stacks WHERE name = ? AND environment = ?", arguments: [stack.name, stack.environment])
            else { throw SealingError("\(stack) has no data key; the sealed values were made for another state database") }
            return try self.codec.unseal(value, key: try self.dataKey(stackRow: id, in: db))
        }
    }

    /// `resource` as it is written: its sensitive inputs sealed.
    func sealed(_ resource: ResourceState, stackRow id: Int64, in db: Database) throws -> ResourceState {
        try codec.sealed(resource) { try dataKey(stackRow: id, in: db) }
    }

    /// `resource` as it was read: its sealed inputs opened.
    func opened(_ resource: ResourceState, stackRow id: Int64, in db: Database) throws -> ResourceState {
        try codec.opened(resource) { try dataKey(stackRow: id, in: db) }
    }

    /// The stack's data key: from the cache, opened from `stack_keys`, or made now. A key pair
    /// is made only while nothing is sealed yet: a missing one with sealed keys in the store is
    /// a lost key, said as such.
    func dataKey(stackRow id: Int64, in db: Database) throws -> [UInt8] {
        if let cached = dataKeys.withLock({ $0[id] }) { return cached }
        guard let sealer else { throw SealingError("this state store has no sealing key") }
        let key: [UInt8]
        if let row = try Row.fetchOne(db, sql: "SELECT key_id, sealed FROM stack_keys WHERE stack_id = ?", arguments: [id]) {
            key = try sealer.openDataKey(Array(row["sealed"] as Data), keyID: row["key_id"])
        } else {
            if !sealer.hasKeyPair, let keyID = try String.fetchOne(db, sql: "SELECT key_id FROM stack_keys LIMIT 1") {
                throw SealingError("the state's secrets are sealed to key \(keyID), and the sealing key file is missing; restore it from a backup")
            }
            let keyID = try sealer.currentKeyID()
            let (fresh, sealed) = try sealer.newDataKey()
            try db.execute(
                sql: "INSERT INTO stack_keys (stack_id, key_id, sealed, created_at) VALUES (?, ?, ?, ?)",
                arguments: [id, keyID, Data(sealed), Timestamp.now()])
            key = fresh
        }
        dataKeys.withLock { $0[id] = key }
        return key
    }

    /// Seals what an older Dharma stored in clear, in `resources` and every state version, once.
    func sealStoredSecrets() throws {
        guard sealer != nil else { return }
        try database.write { db in
            guard try String.fetchOne(db, sql: "SELECT value FROM store_settings WHERE name = 'secrets-sealed'") == nil else { return }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM resources") {
                let resource = try Self.resource(from: row)
                guard !SecretCodec.sensitiveInputs(of: resource).isEmpty else { continue }
                let stackRow: Int64 = row["stack_id"]
                let sealed = try sealed(resource, stackRow: stackRow, in: db)
                try db.execute(
                    sql: "UPDATE resources SET inputs = ? WHERE stack_id = ? AND name = ?",
                    arguments: [try JSON.text(sealed.inputs), stackRow, resource.name])
            }
            for row in try Row.fetchAll(db, sql: "SELECT stack_id, version, snapshot FROM state_versions") {
                var snapshot = try JSON.decode(StackState.self, from: row["snapshot"])
                let stackRow: Int64 = row["stack_id"]
                var changed = false
                for (name, resource) in snapshot.resources where !SecretCodec.sensitiveInputs(of: resource).isEmpty {
                    snapshot.resources[name] = try sealed(resource, stackRow: stackRow, in: db)
                    changed = true
                }
                if changed {
                    try db.execute(
                        sql: "UPDATE state_versions SET snapshot = ? WHERE stack_id = ? AND version = ?",
                        arguments: [try JSON.text(snapshot), stackRow, row["version"] as Int64])
                }
            }
            try db.execute(sql: "INSERT INTO store_settings (name, value) VALUES ('secrets-sealed', '1')")
        }
    }
}

extension SQLiteStore {
    /// Re-seals every stack's secrets under a new data key sealed to `next`'s key pair, in one
    /// transaction: every sealed value in `resources` and in every state version is decrypted
    /// with the old key and encrypted with the new. Returns how many values were re-sealed.
    public func reseal(to next: any SecretSealer) async throws -> Int {
        guard let sealer else { throw SealingError("this state store has no sealing key to rotate") }
        let count = try await database.write { db -> Int in
            var count = 0
            let newKeyID = try next.currentKeyID()
            for row in try Row.fetchAll(db, sql: "SELECT stack_id, key_id, sealed FROM stack_keys") {
                let stackRow: Int64 = row["stack_id"]
                let old = try sealer.openDataKey(Array(row["sealed"] as Data), keyID: row["key_id"])
                let (fresh, sealed) = try next.newDataKey()
                func reseal(_ value: Value) throws -> Value { try self.codec.resealed(value, old: old, next: next, fresh: fresh, count: &count) }
                for resource in try Row.fetchAll(db, sql: "SELECT name, inputs FROM resources WHERE stack_id = ?", arguments: [stackRow]) {
                    let inputs = try JSON.decode([String: Value].self, from: resource["inputs"])
                    guard inputs.values.contains(where: SealedValue.containsSealed) else { continue }
                    try db.execute(
                        sql: "UPDATE resources SET inputs = ? WHERE stack_id = ? AND name = ?",
                        arguments: [try JSON.text(try inputs.mapValues(reseal)), stackRow, resource["name"] as String])
                }
                for version in try Row.fetchAll(db, sql: "SELECT version, snapshot FROM state_versions WHERE stack_id = ?", arguments: [stackRow]) {
                    var snapshot = try JSON.decode(StackState.self, from: version["snapshot"])
                    for (name, resource) in snapshot.resources where resource.inputs.values.contains(where: SealedValue.containsSealed) {
                        snapshot.resources[name]?.inputs = try resource.inputs.mapValues(reseal)
                    }
                    try db.execute(
                        sql: "UPDATE state_versions SET snapshot = ? WHERE stack_id = ? AND version = ?",
                        arguments: [try JSON.text(snapshot), stackRow, version["version"] as Int64])
                }
                try db.execute(
                    sql: "UPDATE stack_keys SET key_id = ?, sealed = ?, created_at = ? WHERE stack_id = ?",
                    arguments: [newKeyID, Data(sealed), Timestamp.now(), stackRow])
            }
            return count
        }
        dataKeys.withLock { $0.removeAll() }
        return count
    }
}
