import DharmaSecurity
import DharmaStore
import Foundation

/// The transparency log: append entries, sign a checkpoint per batch, serve proofs from stored
/// hashes. An actor, so appends from one process are serialised; across processes the store's
/// transaction refuses an append that does not continue the log.
public actor AuditLog {
    public let store: any AuditStore
    public let origin: String
    private let signers: [NoteSigner]
    /// Keys the log signed with before a rotation; its old checkpoints still verify with them.
    private let retired: [NoteVerifier]

    public init(store: any AuditStore, origin: String, signers: [NoteSigner], retired: [NoteVerifier] = []) {
        self.store = store
        self.origin = origin
        self.signers = signers
        self.retired = retired
    }

    /// Every key a checkpoint of this log may be signed with: the current ones and retired ones.
    public var verifiers: [NoteVerifier] { signers.map(\.verifier) + retired }

    /// The keys it signs with now.
    public var currentVerifiers: [NoteVerifier] { signers.map(\.verifier) }

    /// Appends a batch and signs a checkpoint over the new tree. Returns the entries written.
    @discardableResult
    public func append(_ drafts: [AuditDraft], at date: Date = Date()) async throws -> [AuditEntry] {
        guard !drafts.isEmpty else { return [] }
        return try await SerialAppends.run(origin) { try await appendAlone(drafts, at: date) }
    }

    /// `append`, with no other append to this log running in this process.
    private func appendAlone(_ drafts: [AuditDraft], at date: Date) async throws -> [AuditEntry] {
        // Signing on with a key that did not sign the log so far (a lost or replaced key file)
        // would split its history in two; refuse and say what to restore.
        if let last = try await store.lastCheckpoint() {
            do {
                _ = try CheckpointPolicy(logKeys: verifiers).verify(last.note)
            } catch {
                throw AuditError(
                    "the log's keys did not sign its latest checkpoint (#\(last.id)): \(error). Restore the key file "
                        + "that signed it (keys/\(AuditLog.keyName).key) or, if it is truly lost, investigate with `dharma audit verify`; nothing was appended")
            }
        }
        let start = try await store.auditSize()
        var frontier = try await frontierNodes(size: start)
        var records: [AuditRecord] = []
        var entries: [AuditEntry] = []
        var nodes: [AuditNode] = []
        let time = ISO8601DateFormatter().string(from: date)
        for (offset, draft) in drafts.enumerated() {
            let seq = start + UInt64(offset)
            let entry = AuditEntry(
                seq: seq, time: time, actor: draft.actor, action: draft.action, stack: draft.stack,
                resources: draft.resources, reason: draft.reason, planHash: draft.planHash, payloadHash: draft.payloadHash,
                evidence: draft.evidence)
            let body = entry.canonicalJSON
            let leaf = MerkleHasher.leaf(Array(body.utf8))
            entries.append(entry)
            records.append(
                AuditRecord(
                    seq: seq, time: date.timeIntervalSince1970, actor: draft.actor, action: draft.action,
                    stack: draft.stack, body: body, leafHash: leaf))
            // The leaf, then every subtree it completes.
            var level = 0, index = seq, hash = leaf
            nodes.append(AuditNode(level: 0, index: seq, hash: leaf))
            frontier[NodeCoordinate(level: 0, index: seq)] = leaf
            while index & 1 == 1 {
                guard let left = frontier[NodeCoordinate(level: level, index: index - 1)] else {
                    throw AuditError("the stored tree lacks node \(index - 1) at level \(level); run `dharma audit verify`")
                }
                hash = MerkleHasher.node(left, hash)
                level += 1
                index >>= 1
                nodes.append(AuditNode(level: level, index: index, hash: hash))
                frontier[NodeCoordinate(level: level, index: index)] = hash
            }
        }
        try await store.appendAudit(records, nodes: nodes)
        let size = start + UInt64(drafts.count)
        let root = try await self.root(size: size)
        let note = try SignedNote(text: Checkpoint(origin: origin, size: size, root: root).body, signers: signers).serialized
        try await store.appendCheckpoint(size: size, note: note)
        return entries
    }

    /// Inclusion proof of entry `seq` against the tree of `size` entries.
    public func inclusionProof(seq: UInt64, size: UInt64) async throws -> [MerkleHash] {
        let nodes = try await fetch(for: size) { try MerkleTree($0).inclusionProof(index: seq, size: size) }
        return try MerkleTree(NodeMap(size: size, hashes: nodes)).inclusionProof(index: seq, size: size)
    }

    public func consistencyProof(old: UInt64, new: UInt64) async throws -> [MerkleHash] {
        let nodes = try await fetch(for: new) { try MerkleTree($0).consistencyProof(old: old, new: new) }
        return try MerkleTree(NodeMap(size: new, hashes: nodes)).consistencyProof(old: old, new: new)
    }

    public func root(size: UInt64) async throws -> MerkleHash {
        let nodes = try await fetch(for: size) { try MerkleTree($0).root(size: size) }
        return try MerkleTree(NodeMap(size: size, hashes: nodes)).root(size: size)
    }

    /// The newest checkpoint, verified.
    public func latestCheckpoint() async throws -> (Checkpoint, String)? {
        guard let stored = try await store.lastCheckpoint() else { return nil }
        do {
            return (try CheckpointPolicy(logKeys: verifiers).verify(stored.note), stored.note)
        } catch {
            throw AuditError("the latest checkpoint (#\(stored.id)) does not verify: \(error); run `dharma audit verify`")
        }
    }

    /// Recomputes the whole log from its stored entries and checks every checkpoint.
    public func verify(witnesses: AuditVerification.WitnessPolicy? = nil) async throws -> AuditVerification.Report {
        var leaves = AuditVerification.LeafChecker()
        try await store.forEachAuditEntry(from: 0, to: .max) { record in
            leaves.check(seq: record.seq, body: record.body, recordedLeafHash: record.leafHash)
            leaves.checkColumns(record)
        }
        return AuditVerification.finish(
            leaves, checkpoints: try await store.checkpoints().map { .init(id: $0.id, note: $0.note) },
            keys: verifiers, witnesses: witnesses)
    }

    /// Stored nodes a computation over a tree of `size` reads, learned by a dry run.
    private func fetch(for size: UInt64, _ computation: (NodeRecorder) throws -> Any) async throws -> [NodeCoordinate: MerkleHash] {
        let stored = try await store.auditSize()
        guard size <= stored else { throw AuditError("the log has \(stored) entries; there is no tree of \(size)") }
        let recorder = NodeRecorder(size: size)
        _ = try computation(recorder)
        let found = try await store.auditNodes(recorder.requested.map { AuditNode.Coordinate(level: $0.level, index: $0.index) })
        var nodes: [NodeCoordinate: MerkleHash] = [:]
        for (coordinate, hash) in found { nodes[NodeCoordinate(level: coordinate.level, index: coordinate.index)] = hash }
        return nodes
    }

    /// The roots of the complete subtrees on the tree's right edge: what an append combines with.
    private func frontierNodes(size: UInt64) async throws -> [NodeCoordinate: MerkleHash] {
        var wanted: [AuditNode.Coordinate] = []
        for level in 0..<64 where size >> level & 1 == 1 {
            wanted.append(AuditNode.Coordinate(level: level, index: (size >> level) - 1))
        }
        var nodes: [NodeCoordinate: MerkleHash] = [:]
        for (coordinate, hash) in try await store.auditNodes(wanted) {
            nodes[NodeCoordinate(level: coordinate.level, index: coordinate.index)] = hash
        }
        return nodes
    }
}

public struct AuditError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
