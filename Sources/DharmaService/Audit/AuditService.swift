import DharmaAudit
import DharmaCore
import DharmaSecurity
import DharmaStore
import Foundation

/// The tamper-evident log of a state database: listing, proofs, verification, evidence
/// bundles and key rotation.
public struct AuditService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    /// The entries the filter selects, matched against their signed bodies.
    public func log(_ selector: StackSelector, filter: AuditFilter) async throws(ServiceError) -> [AuditEntry] {
        let log = try open(selector)
        return try await serviceCall { try await log.entries(matching: filter) }
    }

    /// `--since`: a duration back from `now` (1h, 7d) or an ISO 8601 time.
    public static func cutoff(_ text: String, now: Date = Date()) throws(ServiceError) -> Double {
        if let seconds = Units.seconds(.string(text)) { return now.timeIntervalSince1970 - seconds }
        if let date = ISO8601DateFormatter().date(from: text) { return date.timeIntervalSince1970 }
        throw .invalidInput("--since \(text): give a duration such as 1h or 7d, or a time such as 2026-11-27T10:00:00Z")
    }

    public struct InclusionProof: Sendable {
        public var seq: UInt64
        public var treeSize: UInt64
        public var root: MerkleHash
        public var leafHash: MerkleHash
        public var proof: [MerkleHash]
        /// The signed checkpoint the proof leads to.
        public var checkpoint: String
        public var body: String
        public var verified: Bool

        public var json: Value {
            .map([
                "seq": .int(Int(seq)), "treeSize": .int(Int(treeSize)), "leafHash": .string(leafHash.hex), "proof": .list(proof.map { .string($0.hex) }),
                "checkpoint": .string(checkpoint), "entry": .string(body), "verified": .bool(verified),
            ])
        }
    }

    /// The proof that entry `seq` is in the latest signed checkpoint, checked before it is returned.
    public func proof(_ seq: UInt64, _ selector: StackSelector) async throws(ServiceError) -> InclusionProof {
        let log = try open(selector)
        guard let (checkpoint, note) = try await serviceCall({ try await log.latestCheckpoint() }) else { throw .notFound("the log has no checkpoint yet") }
        guard seq < checkpoint.size else { throw .notFound("entry \(seq) is not covered by the latest checkpoint (size \(checkpoint.size))") }
        let records = try await serviceCall { try await log.store.auditEntries(from: seq, to: seq + 1) }
        guard let body = records.first?.body else { throw .failed("entry \(seq) is missing from the store") }
        let leaf = MerkleHasher.leaf(Array(body.utf8))
        let proof = try await serviceCall { try await log.inclusionProof(seq: seq, size: checkpoint.size) }
        let verified = (try? MerkleVerifier.verifyInclusion(leafHash: leaf, index: seq, size: checkpoint.size, proof: proof, root: checkpoint.root)) != nil
        return InclusionProof(
            seq: seq, treeSize: checkpoint.size, root: checkpoint.root, leafHash: leaf, proof: proof, checkpoint: note, body: body,
            verified: verified)
    }

    public struct ConsistencyProof: Sendable {
        public var old: UInt64
        public var new: UInt64
        public var oldRoot: MerkleHash
        public var newRoot: MerkleHash
        public var proof: [MerkleHash]

        public var json: Value {
            .map([
                "old": .int(Int(old)), "new": .int(Int(new)), "oldRoot": .string(oldRoot.hex), "newRoot": .string(newRoot.hex),
                "proof": .list(proof.map { .string($0.hex) }),
            ])
        }
    }

    /// The proof that the tree of `old` entries is a prefix of the tree of `new`, checked.
    public func consistency(old: UInt64, new: UInt64, _ selector: StackSelector) async throws(ServiceError) -> ConsistencyProof {
        let log = try open(selector)
        do {
            let proof = try await log.consistencyProof(old: old, new: new)
            let oldRoot = try await log.root(size: old), newRoot = try await log.root(size: new)
            try MerkleVerifier.verifyConsistency(old: old, new: new, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
            return ConsistencyProof(old: old, new: new, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
        } catch {
            throw .invalidInput("\(error)")
        }
    }

    public struct Verification: Sendable {
        public var report: AuditVerification.Report
        /// The log's keys, to compare with the published ones.
        public var keys: [String]
    }

    /// Recomputes the log (or an exported bundle, offline) and checks every entry, column and
    /// checkpoint; with witnesses, which checkpoints are final.
    public func verify(_ selector: StackSelector, bundle: String? = nil, witnesses: [String] = [], quorum: Int = 1) async throws(ServiceError) -> Verification {
        try context.authorise(.read, "verify the audit log")
        guard (1...32).contains(quorum) else { throw .invalidInput("quorum \(quorum): from 1 to 32 cosignatures", pointer: "/quorum") }
        guard witnesses.count <= 64, witnesses.allSatisfy({ $0.unicodeScalars.count <= 4096 }) else {
            throw .invalidInput("witnesses: at most 64 keys of at most 4,096 characters", pointer: "/witnesses")
        }
        var policy: AuditVerification.WitnessPolicy?
        if !witnesses.isEmpty {
            do {
                policy = AuditVerification.WitnessPolicy(witnesses: try witnesses.map { try NoteVerifier(encoded: $0) }, quorum: quorum)
            } catch {
                throw .unprocessable("witness key: \(error)", pointer: "/witnesses")
            }
        }
        if let bundle {
            let evidence: EvidenceBundle
            do {
                evidence = try JSONDecoder().decode(EvidenceBundle.self, from: Data(contentsOf: URL(fileURLWithPath: bundle)))
            } catch {
                throw .invalidInput("\(bundle) is not an evidence bundle: \(error.localizedDescription)")
            }
            return Verification(report: evidence.verify(witnesses: policy), keys: evidence.keys.map(\.encoded))
        }
        let log = try open(selector)
        let report = try await serviceCall { try await log.verify(witnesses: policy) }
        return Verification(report: report, keys: await log.verifiers.map(\.encoded))
    }

    /// Writes an evidence bundle that `verify --bundle` checks offline.
    public func export(_ selector: StackSelector, to path: String) async throws(ServiceError) -> EvidenceBundle {
        let bundle = try await bundle(selector)
        let data = try Self.encoded(bundle)
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw .failed("cannot write \(path): \(error.localizedDescription)")
        }
        return bundle
    }

    /// A bundle as the file `audit verify --bundle` reads.
    public static func encoded(_ bundle: EvidenceBundle) throws(ServiceError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(bundle) } catch { throw .failed("cannot encode the evidence bundle: \(error)") }
    }

    /// An evidence bundle of the whole log, as `export` writes it.
    public func bundle(_ selector: StackSelector) async throws(ServiceError) -> EvidenceBundle {
        let log = try open(selector)
        return try await serviceCall { try await EvidenceBundle.export(from: log) }
    }

    /// The latest signed checkpoint, checked under the log's keys, and the keys.
    public func checkpoint(_ selector: StackSelector) async throws(ServiceError) -> (checkpoint: Checkpoint, note: String, keys: [String]) {
        let log = try open(selector)
        guard let (checkpoint, note) = try await serviceCall({ try await log.latestCheckpoint() }) else { throw .notFound("the log has no checkpoint yet") }
        return (checkpoint, note, await log.verifiers.map(\.encoded))
    }

    /// The log's verifier keys, for witnesses and auditors.
    public func keys(_ selector: StackSelector) async throws(ServiceError) -> [String] {
        try await open(selector).verifiers.map(\.encoded)
    }

    /// Retires the log's signing keys and signs with new ones; the rotation is the first entry
    /// the new keys sign. Returns that entry and the keys to publish.
    public func rotateKeys(_ selector: StackSelector, reason: String?) async throws(ServiceError) -> (AuditEntry, [String]) {
        try context.authorise(.administer, "rotate the audit log's keys")
        let location = selector.location(context)
        try location.requireExisting("nothing has been logged there yet")
        let store = try location.store()
        let (rotated, entry) = try await serviceCall {
            try await AuditLog.rotateKeys(store: store, stateDirectory: location.directory, databasePath: location.databasePath, reason: reason)
        }
        return (entry, await rotated.currentVerifiers.map(\.encoded))
    }

    /// The log in the state database at `path`, for a witness to watch; never created.
    public func log(at path: String) throws(ServiceError) -> AuditLog {
        try context.authorise(.read, "read the audit log")
        let location = StateLocation(databasePath: path)
        try location.requireExisting("no log there")
        return try location.auditLog(try location.store())
    }

    func open(_ selector: StackSelector) throws(ServiceError) -> AuditLog {
        try context.authorise(.read, "read the audit log")
        let location = selector.location(context)
        try location.requireExisting("nothing has been logged there yet")
        return try location.auditLog(try location.store())
    }
}
