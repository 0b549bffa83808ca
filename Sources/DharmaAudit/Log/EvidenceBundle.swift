import DharmaSecurity
import Foundation

/// Everything needed to check a log offline: entries, signed checkpoints, the log's public
/// keys, and an inclusion proof of every entry in the latest checkpoint.
public struct EvidenceBundle: Sendable, Codable {
    public static let format = "dharma-audit-bundle/v1"

    public struct Proof: Sendable, Codable {
        public var seq: UInt64
        public var treeSize: UInt64
        public var hashes: [String]
    }

    public var format: String
    public var origin: String
    public var keys: [NoteVerifier]
    public var entries: [String]
    public var checkpoints: [String]
    public var proofs: [Proof]

    public static func export(from log: AuditLog) async throws -> EvidenceBundle {
        let size = try await log.store.auditSize()
        let entries = try await log.store.auditEntries(from: 0, to: size).map(\.body)
        let checkpoints = try await log.store.checkpoints()
        var proofs: [Proof] = []
        if let (latest, _) = try await log.latestCheckpoint() {
            for seq in 0..<latest.size {
                let hashes = try await log.inclusionProof(seq: seq, size: latest.size)
                proofs.append(Proof(seq: seq, treeSize: latest.size, hashes: hashes.map(\.hex)))
            }
        }
        return EvidenceBundle(
            format: format, origin: log.origin, keys: await log.verifiers, entries: entries,
            checkpoints: checkpoints.map(\.note), proofs: proofs)
    }

    /// Verifies the bundle on its own: the log recomputed from its entries against every
    /// checkpoint, then each inclusion proof against the newest checkpoint.
    public func verify(witnesses: AuditVerification.WitnessPolicy? = nil) -> AuditVerification.Report {
        var report = AuditVerification.run(
            entries: entries.enumerated().map { .init(seq: UInt64($0.offset), body: $0.element, recordedLeafHash: nil) },
            checkpoints: checkpoints.enumerated().map { .init(id: $0.offset + 1, note: $0.element) },
            keys: keys, witnesses: witnesses)
        guard format == Self.format else {
            report.problems.append(AuditVerification.Problem(kind: "format", seq: nil, message: "not a \(Self.format) bundle (format `\(format)`)"))
            return report
        }
        let policy = CheckpointPolicy(logKeys: keys)
        guard let latest = checkpoints.compactMap({ try? policy.verify($0) }).max(by: { $0.size < $1.size }) else { return report }
        for proof in proofs {
            guard proof.seq < UInt64(entries.count) else {
                report.problems.append(
                    AuditVerification.Problem(kind: "proof", seq: proof.seq, message: "proof for entry \(proof.seq), which the bundle does not hold"))
                continue
            }
            let hashes = proof.hashes.compactMap { MerkleHash(hex: $0) }
            do {
                guard hashes.count == proof.hashes.count, proof.treeSize == latest.size else {
                    throw MerkleVerifier.Failure.malformedHash("proof")
                }
                try MerkleVerifier.verifyInclusion(
                    leafHash: MerkleHasher.leaf(Array(entries[Int(proof.seq)].utf8)), index: proof.seq,
                    size: latest.size, proof: hashes, root: latest.root)
            } catch {
                report.problems.append(
                    AuditVerification.Problem(kind: "proof", seq: proof.seq, message: "inclusion proof of entry \(proof.seq) fails: \(error)"))
            }
        }
        return report
    }
}
