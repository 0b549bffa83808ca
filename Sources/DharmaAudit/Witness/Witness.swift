import DharmaSecurity
import Foundation

/// An independent witness: it cosigns a log's checkpoint only if the checkpoint is validly
/// signed by the log and provably extends the last one it cosigned. It refuses rollbacks and
/// forks, so a log cannot show it two different histories.
public struct Witness: Sendable {
    public let name: String
    let signers: [NoteSigner]
    /// Where the last cosigned checkpoint per log origin is kept (JSON).
    public let statePath: String

    public init(name: String, signers: [NoteSigner], statePath: String) {
        self.name = name
        self.signers = signers
        self.statePath = statePath
    }

    /// Its cosigner keys: the Ed25519 one typed `cosignature/v1` as C2SP witnesses are.
    public var verifiers: [NoteVerifier] { signers.map(\.verifier.asCosigner) }

    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public enum Outcome: Sendable, Equatable {
        case cosigned([String])
        case alreadyCosigned
    }

    struct Seen: Codable {
        var size: UInt64
        var root: String
    }

    /// Checks `note` against the log's keys and the last checkpoint this witness cosigned for
    /// the same origin; `proof` is the log's consistency proof from that size to the new one.
    public func cosign(
        note: String, logKeys: [NoteVerifier], proof: (UInt64) async throws -> [MerkleHash],
        now: UInt64 = UInt64(Date().timeIntervalSince1970)
    ) async throws -> Outcome {
        let checkpoint: Checkpoint
        do {
            checkpoint = try CheckpointPolicy(logKeys: logKeys).verify(note)
        } catch {
            throw Refusal(description: "refusing: the checkpoint is not validly signed by the log (\(error))")
        }
        var state = loadState()
        if let last = state[checkpoint.origin], let lastRoot = MerkleHash(hex: last.root) {
            if checkpoint.size < last.size {
                throw Refusal(description: "refusing: rollback — the log offers size \(checkpoint.size), but I already cosigned size \(last.size)")
            }
            if checkpoint.size == last.size {
                guard checkpoint.root == lastRoot else {
                    throw Refusal(description: "refusing: fork — a second checkpoint of size \(last.size) with a different root")
                }
                return .alreadyCosigned
            }
            let hashes = try await proof(last.size)
            do {
                try MerkleVerifier.verifyConsistency(old: last.size, new: checkpoint.size, oldRoot: lastRoot, newRoot: checkpoint.root, proof: hashes)
            } catch {
                throw Refusal(
                    description:
                        "refusing: size \(checkpoint.size) is not consistent with the size \(last.size) I cosigned (\(error)) — a fork or a rewritten history")
            }
        }
        let lines = try Cosignature.sign(body: checkpoint.body, with: signers, time: now)
        state[checkpoint.origin] = Seen(size: checkpoint.size, root: checkpoint.root.hex)
        try saveState(state)
        return .cosigned(lines)
    }

    func loadState() -> [String: Seen] {
        guard let data = FileManager.default.contents(atPath: statePath) else { return [:] }
        return (try? JSONDecoder().decode([String: Seen].self, from: data)) ?? [:]
    }

    func saveState(_ state: [String: Seen]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let directory = (statePath as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try encoder.encode(state).write(to: URL(fileURLWithPath: statePath), options: .atomic)
    }
}

extension Witness {
    /// Witnesses a log it can read directly (the `--log PATH` mode): its newest checkpoint is
    /// checked and, if acceptable, cosigned in place. The log's keys come from the witness's
    /// own configuration, never from the log.
    public func witness(_ log: AuditLog, logKeys: [NoteVerifier]) async throws -> Outcome {
        guard let stored = try await log.store.lastCheckpoint() else { return .alreadyCosigned }
        let outcome = try await cosign(note: stored.note, logKeys: logKeys) { oldSize in
            try await log.consistencyProof(old: oldSize, new: try CheckpointPolicy(logKeys: logKeys).verify(stored.note).size)
        }
        if case .cosigned(let lines) = outcome {
            try await log.store.addCosignature(checkpoint: stored.id, lines: lines.joined())
        }
        return outcome
    }
}
