import DharmaCore

/// Where Dharma keeps what it has applied. SQLite by default (`SQLiteStore`); the protocol is
/// what a PostgreSQL store implements to serve a fleet, without callers changing.
public protocol Store: Sendable {
    /// The recorded state of a stack; empty (serial 0) for a stack never applied.
    func state(of stack: StackID) async throws -> StackState
    /// Records one resource the moment it has been applied; returns the new serial.
    @discardableResult
    func record(_ resource: ResourceState, in stack: StackID) async throws -> Int
    /// Forgets a deleted resource; returns the new serial.
    @discardableResult
    func remove(_ resource: String, in stack: StackID) async throws -> Int
    /// Closes an apply: stores the outputs and a snapshot of the whole stack as a new version.
    @discardableResult
    func commitVersion(of stack: StackID, outputs: [String: Value], operation: ApplyOperation, summary: String) async throws -> StateVersion
    func versions(of stack: StackID) async throws -> [StateVersion]
    /// The whole stack as version `version` recorded it (secrets sealed as they are at rest);
    /// nil when there is no such version.
    func snapshot(of stack: StackID, version: Int) async throws -> StackState?
    func outputs(of stack: StackID) async throws -> [String: Value]
    func stacks() async throws -> [StackSummary]

    /// Takes the stack's lock, or throws `LockError.held` naming the holder. A lock whose holder
    /// is a dead process on this host is broken and taken (returned as `brokeStale`).
    func lock(_ stack: StackID, as holder: LockHolder) async throws -> LockAcquisition
    func unlock(_ stack: StackID, holder: LockHolder) async throws
    /// Removes the lock whoever holds it; returns who held it.
    func breakLock(_ stack: StackID) async throws -> LockHolder?
    func lockHolder(of stack: StackID) async throws -> LockHolder?

    /// Encrypts a sensitive value with the stack's data key (for a saved plan); the store keeps
    /// the key sealed, and never a sensitive value in clear.
    func seal(_ value: Value, in stack: StackID) async throws -> Value
    /// Decrypts every sealed value in `value`.
    func unseal(_ value: Value, in stack: StackID) async throws -> Value
}

public struct StateVersion: Sendable, Codable, Hashable {
    public var version: Int
    public var serial: Int
    public var createdAt: Double
    /// What made the version; nil only for versions an older Dharma recorded with a summary
    /// it cannot read back.
    public var operation: ApplyOperation?
    public var summary: String
    public var resourceCount: Int
}

public struct StackSummary: Sendable, Codable, Hashable {
    public var stack: StackID
    public var serial: Int
    public var resourceCount: Int
    public var latestVersion: Int
}

/// Who holds a stack lock.
public struct LockHolder: Sendable, Codable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var host: String
    public var operation: String
    /// Seconds since 1970.
    public var since: Double

    public init(pid: Int32, host: String, operation: String, since: Double) {
        self.pid = pid
        self.host = host
        self.operation = operation
        self.since = since
    }

    public var description: String {
        "pid \(pid) on \(host) (\(operation), since \(Timestamp.iso8601(since)))"
    }
}

public enum LockAcquisition: Sendable, Equatable {
    case acquired
    case brokeStale(LockHolder)
}

public enum LockError: Error, Sendable, CustomStringConvertible {
    case held(StackID, LockHolder)

    public var description: String {
        switch self {
        case .held(let stack, let holder):
            return "stack \(stack) is locked by \(holder); wait for it to finish, or if that process is gone run `dharma state unlock`"
        }
    }
}

/// A state database that cannot be used as it is. The file is never modified or removed.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
