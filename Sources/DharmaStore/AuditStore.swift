/// Storage for the audit log (DharmaAudit): entries, the Merkle tree's complete-subtree
/// hashes, and signed checkpoints. Every write is one transaction, so an append cut short by
/// `kill -9` is either fully in or not at all.
public protocol AuditStore: Sendable {
    /// Number of entries.
    func auditSize() async throws -> UInt64
    /// Appends entries (their `seq` must continue the log) and the tree nodes they complete.
    func appendAudit(_ entries: [AuditRecord], nodes: [AuditNode]) async throws
    /// Entries with `from <= seq < to`, in order.
    func auditEntries(from: UInt64, to: UInt64) async throws -> [AuditRecord]
    /// Visits entries with `from <= seq < to` in order, without materialising them all: how a
    /// full verification reads a million entries.
    func forEachAuditEntry(from: UInt64, to: UInt64, _ visit: (AuditRecord) throws -> Void) async throws
    /// The stored nodes among `wanted`.
    func auditNodes(_ wanted: [AuditNode.Coordinate]) async throws -> [AuditNode.Coordinate: [UInt8]]
    func appendCheckpoint(size: UInt64, note: String) async throws
    /// Appends signature lines (a witness's cosignature) to a stored checkpoint note.
    func addCosignature(checkpoint id: Int, lines: String) async throws
    /// The newest checkpoint.
    func lastCheckpoint() async throws -> StoredCheckpoint?
    /// All checkpoints, oldest first.
    func checkpoints() async throws -> [StoredCheckpoint]
}

/// One log entry as stored: the canonical JSON body and the leaf hash computed at append.
public struct AuditRecord: Sendable, Hashable, Codable {
    public var seq: UInt64
    public var time: Double
    public var actor: String
    public var action: String
    public var stack: String
    public var body: String
    public var leafHash: [UInt8]

    public init(seq: UInt64, time: Double, actor: String, action: String, stack: String, body: String, leafHash: [UInt8]) {
        self.seq = seq
        self.time = time
        self.actor = actor
        self.action = action
        self.stack = stack
        self.body = body
        self.leafHash = leafHash
    }
}

public struct AuditNode: Sendable, Hashable {
    public struct Coordinate: Sendable, Hashable {
        public var level: Int
        public var index: UInt64

        public init(level: Int, index: UInt64) {
            self.level = level
            self.index = index
        }
    }

    public var coordinate: Coordinate
    public var hash: [UInt8]

    public init(level: Int, index: UInt64, hash: [UInt8]) {
        self.coordinate = Coordinate(level: level, index: index)
        self.hash = hash
    }
}

public struct StoredCheckpoint: Sendable, Hashable, Codable {
    public var id: Int
    public var size: UInt64
    public var note: String
    public var createdAt: Double
}
