import DharmaCore
import Foundation
import PostgresNIO

/// Sensitive values at rest (see `SecretCodec`): each stack's data key is kept sealed to the key
/// pair of the store's sealer, in `stack_keys`, as in SQLite.
extension PostgresStore {
    /// Encrypts `value` with the stack's data key, made on first use.
    public func seal(_ value: Value, in stack: StackID) async throws -> Value {
        try await write { connection in
            let id = try await self.lockedStackRow(stack, on: connection)
            return try self.codec.seal(value, key: try await self.dataKey(stackRow: id, on: connection))
        }
    }

    /// Decrypts every sealed value in `value`.
    public func unseal(_ value: Value, in stack: StackID) async throws -> Value {
        guard SealedValue.containsSealed(value) else { return value }
        return try await read { connection in
            guard let (id, _) = try await self.stackRow(stack, on: connection) else {
                throw SealingError("\(stack) has no data key; the sealed values were made for another state database")
            }
            return try self.codec.unseal(value, key: try await self.dataKey(stackRow: id, on: connection))
        }
    }

    /// `resource` as it is written: its sensitive inputs sealed.
    func sealed(_ resource: ResourceState, stackRow id: Int64, on connection: PostgresConnection) async throws -> ResourceState {
        guard !SecretCodec.sensitiveInputs(of: resource).isEmpty, sealer != nil else { return try codec.sealed(resource) { [] } }
        let key = try await dataKey(stackRow: id, on: connection)
        return try codec.sealed(resource) { key }
    }

    /// `resource` as it was read: its sealed inputs opened.
    func opened(_ resource: ResourceState, stackRow id: Int64, on connection: PostgresConnection) async throws -> ResourceState {
        guard resource.inputs.values.contains(where: SealedValue.containsSealed), sealer != nil else { return try codec.opened(resource) { [] } }
        let key = try await dataKey(stackRow: id, on: connection)
        return try codec.opened(resource) { key }
    }

    /// The stack's data key: from the cache, opened from `stack_keys`, or made now (callers that
    /// may make it hold the stack's row lock). A missing key pair with sealed keys in the store is
    /// a lost key, said as such.
    func dataKey(stackRow id: Int64, on connection: PostgresConnection) async throws -> [UInt8] {
        if let cached = dataKeys.withLock({ $0[id] }) { return cached }
        guard let sealer else { throw SealingError("this state store has no sealing key") }
        let rows = try await connection.query(
            "SELECT key_id, sealed FROM \(unescaped: table("stack_keys")) WHERE stack_id = \(id)", logger: PostgresPool.quiet)
        var stored: (keyID: String, sealed: [UInt8])?
        for try await (keyID, sealed) in rows.decode((String, Data).self) { stored = (keyID, Array(sealed)) }
        if let stored {
            let key = try sealer.openDataKey(stored.sealed, keyID: stored.keyID)
            dataKeys.withLock { $0[id] = key }
            return key
        }
        if !sealer.hasKeyPair,
            let keyID = try await single(String.self, "SELECT key_id FROM \(unescaped: table("stack_keys")) LIMIT 1", on: connection)
        {
            throw SealingError("the state's secrets are sealed to key \(keyID), and the sealing key file is missing; restore it from a backup")
        }
        let keyID = try sealer.currentKeyID()
        let (fresh, sealed) = try sealer.newDataKey()
        try await connection.query(
            """
            INSERT INTO \(unescaped: table("stack_keys")) (stack_id, key_id, sealed, created_at)
            VALUES (\(id), \(keyID), \(Data(sealed)), \(Timestamp.now()))
            """, logger: PostgresPool.quiet)
        // Not cached: this transaction may yet roll back and take the key with it. The next use
        // reads it back.
        return fresh
    }
}
