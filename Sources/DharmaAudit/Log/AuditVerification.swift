import DharmaSecurity
import DharmaStore
import Foundation

/// Recomputes a log from its entries and checks every checkpoint against it: signatures (both
/// algorithms), roots, truncation, forks and consistency between checkpoints. Names the first
/// bad sequence number it can pin down.
public struct AuditVerification: Sendable {
    public struct Entry: Sendable {
        /// The sequence number the store filed the entry under.
        public var seq: UInt64
        public var body: String
        /// The leaf hash recorded at append time, when the store kept one.
        public var recordedLeafHash: MerkleHash?

        public init(seq: UInt64, body: String, recordedLeafHash: MerkleHash?) {
            self.seq = seq
            self.body = body
            self.recordedLeafHash = recordedLeafHash
        }
    }

    public struct CheckpointNote: Sendable {
        public var id: Int
        public var note: String

        public init(id: Int, note: String) {
            self.id = id
            self.note = note
        }
    }

    public struct Problem: Sendable, Hashable, Codable, CustomStringConvertible {
        public var kind: String
        public var seq: UInt64?
        public var message: String
        public var description: String { message }
    }

    /// "A checkpoint is final when `quorum` of these witnesses cosigned it."
    public struct WitnessPolicy: Sendable {
        public var witnesses: [NoteVerifier]
        public var quorum: Int

        public init(witnesses: [NoteVerifier], quorum: Int) {
            self.witnesses = witnesses
            self.quorum = quorum
        }
    }

    public struct Witnessing: Sendable, Codable, Hashable {
        public var checkpoint: Int
        public var size: UInt64
        public var witnesses: [String]
        public var final: Bool
    }

    public struct Report: Sendable, Codable {
        public var entries: Int
        public var checkpoints: Int
        public var verifiedCheckpoints: Int
        public var problems: [Problem]
        /// Per checkpoint, which witnesses validly cosigned it (empty without a witness policy).
        public var witnessing: [Witnessing] = []
        /// The lowest sequence number known to be bad.
        public var firstBadSeq: UInt64? { problems.compactMap(\.seq).min() }
        public var ok: Bool { problems.isEmpty }
    }

    public static func run(
        entries: [Entry], checkpoints: [CheckpointNote], keys: [NoteVerifier],
        witnesses: WitnessPolicy? = nil
    ) -> Report {
        var leaves = LeafChecker()
        for entry in entries { leaves.check(seq: entry.seq, body: entry.body, recordedLeafHash: entry.recordedLeafHash) }
        return finish(leaves, checkpoints: checkpoints, keys: keys, witnesses: witnesses)
    }

    /// Checks entries one at a time as they stream from a store: contiguous numbering, bodies
    /// that carry their own number, hashes unchanged since append; and builds the tree.
    public struct LeafChecker {
        var nodes = InMemoryMerkleNodes()
        var problems: [Problem] = []
        var stopped = false

        public init() {}

        public mutating func check(seq: UInt64, body: String, recordedLeafHash: MerkleHash?) {
            guard !stopped else { return }
            let expected = nodes.size
            if seq != expected {
                problems.append(
                    Problem(
                        kind: "deleted", seq: expected,
                        message: "entry \(expected) is missing: the next stored entry is \(seq) (deleted entries?)"))
                stopped = true
                return
            }
            let leaf = MerkleHasher.leaf(body.utf8)
            if let bodySeq = AuditEntry.sequenceNumber(in: body) {
                if bodySeq != expected {
                    problems.append(
                        Problem(
                            kind: "swapped", seq: expected,
                            message: "entry \(expected) holds the body of entry \(bodySeq) (entries swapped or moved)"))
                } else if let recordedLeafHash, recordedLeafHash != leaf {
                    problems.append(
                        Problem(
                            kind: "edited", seq: expected,
                            message: "entry \(expected) was edited after it was logged: its body no longer hashes to the recorded leaf"))
                }
            } else {
                problems.append(Problem(kind: "edited", seq: expected, message: "entry \(expected) is not a valid audit entry body (edited?)"))
            }
            nodes.append(leafHash: leaf)
        }

        /// The columns a store keeps beside the body, for looking entries up, must say what the
        /// signed body says: an edited column could otherwise hide an entry from a filtered
        /// listing, or show it under someone else.
        public mutating func checkColumns(_ record: AuditRecord) {
            guard !stopped else { return }
            var edited: [String] = []
            for (column, stored) in [("actor", record.actor), ("action", record.action), ("stack", record.stack)] {
                let signed = AuditBodyFields.string(column, in: record.body)
                if signed != stored { edited.append("\(column) `\(stored)` (its body says `\(signed ?? "nothing")`)") }
            }
            // The body keeps whole seconds; the column the exact time.
            if let signed = AuditBodyFields.time(in: record.body), abs(record.time - signed) >= 1 {
                edited.append("time \(record.time) (its body says \(signed))")
            }
            guard !edited.isEmpty else { return }
            problems.append(
                Problem(
                    kind: "column", seq: record.seq,
                    message: "entry \(record.seq)'s stored columns were edited: " + edited.joined(separator: ", ")))
        }
    }

    public static func finish(
        _ leaves: LeafChecker, checkpoints: [CheckpointNote], keys: [NoteVerifier],
        witnesses: WitnessPolicy? = nil
    ) -> Report {
        var problems = leaves.problems
        func problem(_ kind: String, _ seq: UInt64?, _ message: String) {
            problems.append(Problem(kind: kind, seq: seq, message: message))
        }
        let nodes = leaves.nodes
        let entryCount = Int(nodes.size) + (leaves.stopped ? 1 : 0)
        let tree = MerkleTree(nodes)
        let policy = CheckpointPolicy(logKeys: keys)

        // 2. Checkpoints: signatures, then each one's root against the recomputed tree.
        var verified: [(id: Int, checkpoint: Checkpoint)] = []
        for stored in checkpoints {
            do {
                verified.append((stored.id, try policy.verify(stored.note)))
            } catch {
                problem("signature", nil, "checkpoint #\(stored.id) is not validly signed by the log: \(error)")
            }
        }
        var lastGood: UInt64 = 0
        for (id, checkpoint) in verified.sorted(by: { $0.checkpoint.size < $1.checkpoint.size }) {
            if checkpoint.size > nodes.size {
                problem(
                    "truncated", nodes.size,
                    "the log is truncated: checkpoint #\(id) covers \(checkpoint.size) entries, only \(nodes.size) are stored (first missing: \(nodes.size))")
                continue
            }
            guard let root = try? tree.root(size: checkpoint.size) else { continue }
            if root == checkpoint.root {
                lastGood = max(lastGood, checkpoint.size)
            } else {
                let suspect = problems.compactMap(\.seq).filter { $0 < checkpoint.size }.min() ?? lastGood
                problem(
                    "root", suspect,
                    "checkpoint #\(id) (size \(checkpoint.size)) does not match the stored entries; "
                        + "entries \(lastGood)..<\(checkpoint.size) are suspect, the first bad one is at or after \(suspect)")
            }
        }
        // 3. Forks: two signed checkpoints of one size with different roots.
        let bySize = Dictionary(grouping: verified, by: \.checkpoint.size)
        for (size, group) in bySize.sorted(by: { $0.key < $1.key }) where Set(group.map(\.checkpoint.root)).count > 1 {
            problem("fork", nil, "fork: checkpoints \(group.map { "#\($0.id)" }.joined(separator: ", ")) all claim size \(size) with different roots")
        }
        // 4. Consecutive checkpoints must be consistent (proof checked, not assumed).
        let ordered = verified.filter { $0.checkpoint.size <= nodes.size }.sorted { ($0.checkpoint.size, $0.id) < ($1.checkpoint.size, $1.id) }
        for (older, newer) in zip(ordered, ordered.dropFirst()) where older.checkpoint.size > 0 && older.checkpoint.size < newer.checkpoint.size {
            guard let proof = try? tree.consistencyProof(old: older.checkpoint.size, new: newer.checkpoint.size) else { continue }
            do {
                try MerkleVerifier.verifyConsistency(
                    old: older.checkpoint.size, new: newer.checkpoint.size, oldRoot: older.checkpoint.root,
                    newRoot: newer.checkpoint.root, proof: proof)
            } catch {
                if !problems.contains(where: { $0.kind == "root" || $0.kind == "fork" }) {
                    problem("consistency", nil, "checkpoints #\(older.id) and #\(newer.id) are not consistent: \(error)")
                }
            }
        }
        var report = Report(entries: entryCount, checkpoints: checkpoints.count, verifiedCheckpoints: verified.count, problems: problems)
        if let witnesses {
            let verifiedIDs = Dictionary(verified.map { ($0.id, $0.checkpoint) }, uniquingKeysWith: { first, _ in first })
            for stored in checkpoints {
                guard let checkpoint = verifiedIDs[stored.id], let note = try? SignedNote(parsing: stored.note) else { continue }
                let cosigners = Cosignature.validWitnesses(on: note, among: witnesses.witnesses).sorted()
                report.witnessing.append(
                    Witnessing(
                        checkpoint: stored.id, size: checkpoint.size, witnesses: cosigners,
                        final: cosigners.count >= witnesses.quorum))
            }
        }
        return report
    }
}
