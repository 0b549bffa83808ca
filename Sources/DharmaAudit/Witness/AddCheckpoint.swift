import DharmaSecurity
import Foundation

/// The C2SP tlog-witness `add-checkpoint` exchange: a log sends the size of the checkpoint it
/// believes the witness last cosigned, a consistency proof from there, and its new checkpoint;
/// the witness answers with its cosignature lines, or says why not.
public struct AddCheckpoint: Sendable, Hashable {
    public var oldSize: UInt64
    public var proof: [MerkleHash]
    /// The signed checkpoint note.
    public var note: String

    public init(oldSize: UInt64, proof: [MerkleHash], note: String) {
        self.oldSize = oldSize
        self.proof = proof
        self.note = note
    }

    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `old N`, up to 63 base64 proof lines, an empty line, then the note.
    public init(parsing body: String) throws(Malformed) {
        guard let blank = body.range(of: "\n\n") else { throw Malformed(description: "no empty line between the proof and the checkpoint") }
        let head = body[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = head.first, first.hasPrefix("old "), let size = UInt64(first.dropFirst(4)), String(size) == first.dropFirst(4) else {
            throw Malformed(description: "the first line must be `old SIZE`, the size in decimal without leading zeroes")
        }
        let lines = head.dropFirst()
        guard lines.count <= 63 else { throw Malformed(description: "more than 63 consistency proof lines") }
        var proof: [MerkleHash] = []
        for line in lines {
            guard let hash = Data(base64Encoded: String(line)), hash.count == 32 else {
                throw Malformed(description: "`\(line.prefix(60))` is not a base64 SHA-256 hash")
            }
            proof.append(Array(hash))
        }
        self.init(oldSize: size, proof: proof, note: String(body[blank.upperBound...]))
    }

    /// The request body.
    public var body: String {
        "old \(oldSize)\n" + proof.map { Data($0).base64EncodedString() + "\n" }.joined() + "\n" + note
    }

    /// What the witness answered, with the HTTP status the protocol gives each answer.
    public enum Answer: Sendable, Equatable {
        case cosigned([String])
        /// The old size is not the witness's latest, or a same-size checkpoint has another root.
        case conflict(latestSize: UInt64, String)
        case unknownOrigin(String)
        case notSigned(String)
        case badRequest(String)
        case inconsistent(String)

        public var status: Int {
            switch self {
            case .cosigned: 200
            case .conflict: 409
            case .unknownOrigin: 404
            case .notSigned: 403
            case .badRequest: 400
            case .inconsistent: 422
            }
        }
    }
}

extension Witness {
    /// Checks an `add-checkpoint` request as C2SP tlog-witness says and, if it passes, records
    /// the checkpoint and cosigns it. `origins`, when given, are the only logs this witness
    /// serves. Callers serialise calls: the check and the record must not interleave.
    public func add(_ request: AddCheckpoint, logKeys: [NoteVerifier], origins: Set<String>?, now: UInt64 = UInt64(Date().timeIntervalSince1970))
        throws -> AddCheckpoint.Answer
    {
        let note: SignedNote
        let checkpoint: Checkpoint
        do {
            note = try SignedNote(parsing: request.note)
            checkpoint = try Checkpoint(body: note.text)
        } catch {
            return .badRequest("the checkpoint is malformed: \(error)")
        }
        if let origins, !origins.contains(checkpoint.origin) { return .unknownOrigin("this witness does not witness `\(checkpoint.origin)`") }
        do {
            _ = try CheckpointPolicy(logKeys: logKeys).verify(request.note)
        } catch {
            return .notSigned("the checkpoint is not signed by the log's keys: \(error)")
        }
        guard request.oldSize <= checkpoint.size else { return .badRequest("old size \(request.oldSize) is larger than the checkpoint's \(checkpoint.size)") }
        var state = loadState()
        let last = state[checkpoint.origin]
        let latest = last?.size ?? 0
        guard request.oldSize == latest else {
            return .conflict(latestSize: latest, "the latest checkpoint I cosigned for `\(checkpoint.origin)` has size \(latest)")
        }
        if let last, let lastRoot = MerkleHash(hex: last.root) {
            if checkpoint.size == last.size {
                guard checkpoint.root == lastRoot else { return .conflict(latestSize: latest, "fork: another root for size \(last.size)") }
            } else {
                do {
                    try MerkleVerifier.verifyConsistency(
                        old: last.size, new: checkpoint.size, oldRoot: lastRoot, newRoot: checkpoint.root, proof: request.proof)
                } catch {
                    return .inconsistent("size \(checkpoint.size) is not consistent with size \(last.size): \(error)")
                }
            }
        } else if !request.proof.isEmpty {
            return .badRequest("the proof must be empty when the old size is 0")
        }
        let lines = try Cosignature.sign(body: checkpoint.body, with: signers, time: now)
        state[checkpoint.origin] = Seen(size: checkpoint.size, root: checkpoint.root.hex)
        try saveState(state)
        return .cosigned(lines)
    }
}
