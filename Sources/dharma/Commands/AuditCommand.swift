import ArgumentParser
import DharmaAudit
import DharmaCore
import DharmaSecurity
import DharmaStore
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The tamper-evident log of every change: read it, prove entries, verify it, export evidence.",
        discussion: """
            Every apply, destroy, reconcile and lock break is an entry in a Merkle tree (RFC 9162). After each batch the log signs a checkpoint with Ed25519 and ML-DSA-65; a checkpoint counts only if both signatures verify.

            Examples:
              dharma audit log -f examples/webapp.yaml --since 1h
              dharma audit proof 3 -f examples/webapp.yaml
              dharma audit verify -f examples/webapp.yaml
              dharma audit export -f examples/webapp.yaml --out evidence.json
              dharma audit verify --bundle evidence.json
            """,
        subcommands: [Log.self, Proof.self, Consistency.self, Verify.self, Export.self, Keys.self, RotateKey.self])

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Retire the log's signing keys and start signing with new ones; old checkpoints still verify.")
        @OptionGroup var location: Location
        @Option(help: "Why, for the audit log.") var reason: String?

        func run() async throws {
            try await runReporting {
                let path = StatePaths.resolve(explicit: location.state, blueprint: location.file)
                let log = try location.open()
                let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
                let (rotated, entry) = try await AuditLog.rotateKeys(store: log.store, stateDirectory: directory, databasePath: path, reason: reason)
                print("Rotated the log keys (audit entry #\(entry.seq)). Publish the new keys:")
                for key in await rotated.currentVerifiers { print("  \(key.encoded)") }
            }
        }
    }

    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the log's verifier keys (for witnesses and auditors).")
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                for key in try await location.open().verifiers { print(key.encoded) }
            }
        }
    }

    /// Where the log is: the state database of a blueprint (`-f`), or `--state`.
    struct Location: ParsableArguments {
        @Option(name: [.customShort("f"), .customLong("file")], help: "Blueprint whose state database holds the log.")
        var file: String?

        @Option(help: "State database (default: .dharma/dharma.db next to the blueprint or here, or $DHARMA_STATE).")
        var state: String?

        func open() throws -> AuditLog {
            let path = StatePaths.resolve(explicit: state, blueprint: file)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIFailure(message: "no state database at \(path); nothing has been logged there yet", code: Exit.invalidInput)
            }
            guard let audit = try StatePaths.engine(at: path, parallelism: 1, audited: true).audit else {
                throw CLIFailure(message: "no audit log at \(path)", code: Exit.failure)
            }
            return audit
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List entries, newest last.")
        @OptionGroup var location: Location
        @Option(help: "Only this stack (NAME/ENVIRONMENT).") var stack: String?
        @Option(help: "Only this actor (user@host).") var actor: String?
        @Option(help: "Only entries newer than this: a duration (1h, 7d) or an ISO 8601 time.") var since: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let log = try location.open()
                let cutoff = try since.map(Self.cutoff)
                let size = try await log.store.auditSize()
                let records = try await log.store.auditEntries(from: 0, to: size).filter { record in
                    (stack.map { record.stack == $0 || record.stack == "\($0)/default" } ?? true)
                        && (actor.map { record.actor == $0 } ?? true) && (cutoff.map { record.time >= $0 } ?? true)
                }
                let entries = records.compactMap { AuditEntry.parse($0.body) }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    print(String(decoding: try encoder.encode(entries), as: UTF8.self))
                    return
                }
                if entries.isEmpty { print("No entries.") }
                for entry in entries {
                    print("#\(entry.seq)  \(entry.time)  \(entry.actor)  \(entry.action)  \(entry.stack)"
                        + (entry.resources.isEmpty ? "" : "  [\(entry.resources.joined(separator: ", "))]"))
                    print("      \(entry.reason)")
                }
            }
        }

        static func cutoff(_ text: String) throws -> Double {
            if let seconds = Units.seconds(.string(text)) { return Date().timeIntervalSince1970 - seconds }
            if let date = ISO8601DateFormatter().date(from: text) { return date.timeIntervalSince1970 }
            throw CLIFailure(message: "--since \(text): give a duration such as 1h or 7d, or a time such as 2026-11-27T10:00:00Z", code: Exit.invalidInput)
        }
    }

    struct Proof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Inclusion proof of one entry in the latest checkpoint.")
        @Argument(help: "Sequence number of the entry.") var seq: UInt64
        @OptionGroup var location: Location
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let log = try location.open()
                guard let (checkpoint, note) = try await log.latestCheckpoint() else {
                    throw CLIFailure(message: "the log has no checkpoint yet", code: Exit.failure)
                }
                guard seq < checkpoint.size else {
                    throw CLIFailure(message: "entry \(seq) is not covered by the latest checkpoint (size \(checkpoint.size))", code: Exit.invalidInput)
                }
                let record = try await log.store.auditEntries(from: seq, to: seq + 1)
                guard let body = record.first?.body else { throw CLIFailure(message: "entry \(seq) is missing from the store", code: Exit.failure) }
                let leaf = MerkleHasher.leaf(Array(body.utf8))
                let proof = try await log.inclusionProof(seq: seq, size: checkpoint.size)
                let verified = (try? MerkleVerifier.verifyInclusion(leafHash: leaf, index: seq, size: checkpoint.size, proof: proof,
                                                                    root: checkpoint.root)) != nil
                if json {
                    print(Value.map(["seq": .int(Int(seq)), "treeSize": .int(Int(checkpoint.size)), "leafHash": .string(leaf.hex),
                                     "proof": .list(proof.map { .string($0.hex) }), "checkpoint": .string(note),
                                     "entry": .string(body), "verified": .bool(verified)]).jsonText)
                } else {
                    print("entry #\(seq), leaf \(leaf.hex)")
                    print("tree size \(checkpoint.size), root \(checkpoint.root.hex)")
                    for (index, hash) in proof.enumerated() { print("  \(index): \(hash.hex)") }
                    print(verified ? "verified: the entry is in the signed checkpoint" : "NOT verified")
                }
                if !verified { throw ExitCode(Exit.failure) }
            }
        }
    }

    struct Consistency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Consistency proof between two tree sizes.")
        @Argument(help: "Older tree size.") var old: UInt64
        @Argument(help: "Newer tree size.") var new: UInt64
        @OptionGroup var location: Location
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let log = try location.open()
                do {
                    let proof = try await log.consistencyProof(old: old, new: new)
                    let oldRoot = try await log.root(size: old), newRoot = try await log.root(size: new)
                    try MerkleVerifier.verifyConsistency(old: old, new: new, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
                    if json {
                        print(Value.map(["old": .int(Int(old)), "new": .int(Int(new)), "oldRoot": .string(oldRoot.hex),
                                         "newRoot": .string(newRoot.hex), "proof": .list(proof.map { .string($0.hex) })]).jsonText)
                    } else {
                        print("tree \(old) (root \(oldRoot.hex)) is a prefix of tree \(new) (root \(newRoot.hex))")
                        for (index, hash) in proof.enumerated() { print("  \(index): \(hash.hex)") }
                    }
                } catch let error as CLIFailure {
                    throw error
                } catch {
                    throw CLIFailure(message: "\(error)", code: Exit.invalidInput)
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the log from its entries and check every checkpoint; exit 1 on any problem.")
        @OptionGroup var location: Location
        @Option(help: "Verify an exported evidence bundle instead, offline.") var bundle: String?
        @Option(help: "A witness's verifier key (repeatable; each witness has two).") var witness: [String] = []
        @Option(help: "Cosignatures needed for a checkpoint to count as final.") var quorum: Int = 1
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let report: AuditVerification.Report
                var keys: [String] = []
                var policy: AuditVerification.WitnessPolicy?
                if !witness.isEmpty {
                    do {
                        policy = AuditVerification.WitnessPolicy(witnesses: try witness.map { try NoteVerifier(encoded: $0) }, quorum: quorum)
                    } catch {
                        throw CLIFailure(message: "--witness: \(error)", code: Exit.invalidInput)
                    }
                }
                if let bundle {
                    let evidence: EvidenceBundle
                    do {
                        evidence = try JSONDecoder().decode(EvidenceBundle.self, from: Data(contentsOf: URL(fileURLWithPath: bundle)))
                    } catch {
                        throw CLIFailure(message: "\(bundle) is not an evidence bundle: \(error.localizedDescription)", code: Exit.invalidInput)
                    }
                    report = evidence.verify(witnesses: policy)
                    keys = evidence.keys.map(\.encoded)
                } else {
                    let log = try location.open()
                    report = try await log.verify(witnesses: policy)
                    keys = await log.verifiers.map(\.encoded)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(report), as: UTF8.self))
                } else {
                    print("\(report.entries) entries, \(report.verifiedCheckpoints) of \(report.checkpoints) checkpoints validly signed")
                    print("log keys (compare with the published ones):")
                    for key in keys { print("  \(key.prefix(72))…") }
                    for entry in report.witnessing {
                        print("checkpoint #\(entry.checkpoint) (size \(entry.size)): \(entry.final ? "final" : "not final"), "
                            + "cosigned by \(entry.witnesses.isEmpty ? "no witness" : entry.witnesses.joined(separator: ", "))")
                    }
                    for problem in report.problems { print("PROBLEM: \(problem.message)") }
                    if let seq = report.firstBadSeq { print("first bad entry: #\(seq)") }
                    print(report.ok ? "verified: every entry and checkpoint checks out" : "verification FAILED")
                }
                if !report.ok { throw ExitCode(Exit.failure) }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an evidence bundle that `audit verify --bundle` checks offline.")
        @OptionGroup var location: Location
        @Option(help: "Output file.") var out: String

        func run() async throws {
            try await runReporting {
                let bundle = try await EvidenceBundle.export(from: try location.open())
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                do {
                    try encoder.encode(bundle).write(to: URL(fileURLWithPath: out))
                } catch {
                    throw CLIFailure(message: "cannot write \(out): \(error.localizedDescription)", code: Exit.failure)
                }
                print("Wrote \(bundle.entries.count) entries, \(bundle.checkpoints.count) checkpoints and \(bundle.proofs.count) proofs to \(out).")
            }
        }
    }
}
