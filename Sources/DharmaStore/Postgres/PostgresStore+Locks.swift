import DharmaCore
import PostgresNIO

/// Stack locks, as `SQLiteStore` keeps them: a row per locked stack naming its holder. Taking
/// one locks the stack's row first, so two processes asking at once take turns and one is told
/// who holds it.
extension PostgresStore {
    public func lock(_ stack: StackID, as holder: LockHolder) async throws -> LockAcquisition {
        try await write { connection in
            let id = try await self.lockedStackRow(stack, on: connection)
            var outcome = LockAcquisition.acquired
            if let existing = try await self.holder(ofStackRow: id, on: connection) {
                let deadHere = existing.host == holder.host && !ProcessLiveness.isAlive(existing.pid)
                guard deadHere else { throw LockError.held(stack, existing) }
                outcome = .brokeStale(existing)
                try await connection.query("DELETE FROM \(unescaped: self.table("locks")) WHERE stack_id = \(id)", logger: PostgresPool.quiet)
            }
            try await connection.query(
                """
                INSERT INTO \(unescaped: self.table("locks")) (stack_id, pid, host, operation, acquired_at)
                VALUES (\(id), \(holder.pid), \(holder.host), \(holder.operation), \(holder.since))
                """, logger: PostgresPool.quiet)
            return outcome
        }
    }

    public func unlock(_ stack: StackID, holder: LockHolder) async throws {
        try await write { connection in
            try await connection.query(
                """
                DELETE FROM \(unescaped: self.table("locks")) WHERE pid = \(holder.pid) AND host = \(holder.host) AND stack_id =
                  (SELECT id FROM \(unescaped: self.table("stacks")) WHERE name = \(stack.name) AND environment = \(stack.environment))
                """, logger: PostgresPool.quiet)
        }
    }

    public func breakLock(_ stack: StackID) async throws -> LockHolder? {
        try await write { connection in
            let id = try await self.lockedStackRow(stack, on: connection)
            let existing = try await self.holder(ofStackRow: id, on: connection)
            try await connection.query("DELETE FROM \(unescaped: self.table("locks")) WHERE stack_id = \(id)", logger: PostgresPool.quiet)
            return existing
        }
    }

    public func lockHolder(of stack: StackID) async throws -> LockHolder? {
        try await read { connection in
            guard let (id, _) = try await self.stackRow(stack, on: connection) else { return nil }
            return try await self.holder(ofStackRow: id, on: connection)
        }
    }

    private func holder(ofStackRow id: Int64, on connection: PostgresConnection) async throws -> LockHolder? {
        let rows = try await connection.query(
            "SELECT pid, host, operation, acquired_at FROM \(unescaped: table("locks")) WHERE stack_id = \(id)", logger: PostgresPool.quiet)
        for try await (pid, host, operation, since) in rows.decode((Int32, String, String, Double).self) {
            return LockHolder(pid: pid, host: host, operation: operation, since: since)
        }
        return nil
    }
}
