import ArgumentParser
import DharmaAudit
import DharmaCore
import DharmaService
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
        @OptionGroup var location: StateDatabaseOption
        @Option(help: "Why, for the audit log.") var reason: String?

        func run() async throws {
            try await runReporting {
                let (entry, keys) = try await AuditService(context: .cli).rotateKeys(location.selector, reason: reason)
                print("Rotated the log keys (audit entry #\(entry.seq)). Publish the new keys:")
                for key in keys { print("  \(key)") }
            }
        }
    }

    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the log's verifier keys (for witnesses and auditors).")
        @OptionGroup var location: StateDatabaseOption

        func run() async throws {
            try await runReporting {
                for key in try await AuditService(context: .cli).keys(location.selector) { print(key) }
            }
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List entries, newest last.")
        @OptionGroup var location: StateDatabaseOption
        @Option(help: "Only this stack (NAME/ENVIRONMENT).") var stack: String?
        @Option(help: "Only this actor (user@host).") var actor: String?
        @Option(help: "Only entries newer than this: a duration (1h, 7d) or an ISO 8601 time.") var since: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            try await runReporting {
                if remote.isRemote {
                    // The organisation's log on the server.
                    return try await remote.withService { service in
                        let entries = try await service.auditEntries(stack: stack, actor: actor)
                        if json { return print(RemoteRunOutput.json(entries)) }
                        if entries.isEmpty { print("No entries.") }
                        for entry in entries {
                            print(
                                "#\(entry.index)  \(entry.time)  \(entry.actor)  \(entry.action)  \(entry.stack)"
                                    + ((entry.resources ?? []).isEmpty ? "" : "  [\((entry.resources ?? []).joined(separator: ", "))]"))
                            print("      \(entry.reason)")
                        }
                    }
                }
                let filter = AuditFilter(stack: stack, actor: actor, since: try since.map { text throws(ServiceError) in try AuditService.cutoff(text) })
                let entries = try await AuditService(context: .cli).log(location.selector, filter: filter)
                if json {
                    print(try jsonText(entries))
                    return
                }
                if entries.isEmpty { print("No entries.") }
                for entry in entries {
                    print(
                        "#\(entry.seq)  \(entry.time)  \(entry.actor)  \(entry.action)  \(entry.stack)"
                            + (entry.resources.isEmpty ? "" : "  [\(entry.resources.joined(separator: ", "))]"))
                    print("      \(entry.reason)")
                }
            }
        }
    }

    struct Proof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Inclusion proof of one entry in the latest checkpoint.")
        @Argument(help: "Sequence number of the entry.") var seq: UInt64
        @OptionGroup var location: StateDatabaseOption
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let proof = try await AuditService(context: .cli).proof(seq, location.selector)
                if json {
                    print(proof.json.jsonText)
                } else {
                    print("entry #\(seq), leaf \(proof.leafHash.hex)")
                    print("tree size \(proof.treeSize), root \(proof.root.hex)")
                    for (index, hash) in proof.proof.enumerated() { print("  \(index): \(hash.hex)") }
                    print(proof.verified ? "verified: the entry is in the signed checkpoint" : "NOT verified")
                }
                if !proof.verified { throw ExitCode(Exit.failure) }
            }
        }
    }

    struct Consistency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Consistency proof between two tree sizes.")
        @Argument(help: "Older tree size.") var old: UInt64
        @Argument(help: "Newer tree size.") var new: UInt64
        @OptionGroup var location: StateDatabaseOption
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let proof = try await AuditService(context: .cli).consistency(old: old, new: new, location.selector)
                if json {
                    print(proof.json.jsonText)
                } else {
                    print("tree \(old) (root \(proof.oldRoot.hex)) is a prefix of tree \(new) (root \(proof.newRoot.hex))")
                    for (index, hash) in proof.proof.enumerated() { print("  \(index): \(hash.hex)") }
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the log from its entries and check every entry, stored column and checkpoint; exit 1 on any problem.")
        @OptionGroup var location: StateDatabaseOption
        @Option(help: "Verify an exported evidence bundle instead, offline.") var bundle: String?
        @Option(help: "A witness's verifier key (repeatable; each witness has two).") var witness: [String] = []
        @Option(help: "Cosignatures needed for a checkpoint to count as final.") var quorum: Int = 1
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            try await runReporting {
                if remote.isRemote {
                    return try await remote.withService { service in
                        let report = try await service.verifyAudit(witnesses: witness, quorum: quorum)
                        if json {
                            print(RemoteRunOutput.json(report))
                        } else {
                            print("\(report.entries) entries, \(report.checkpoints) checkpoints on \(service.client.profile.server)")
                            for entry in report.witnessing ?? [] {
                                print(
                                    "checkpoint #\(entry.checkpoint) (size \(entry.size)): \(entry.final ? "final" : "not final"), "
                                        + "cosigned by \(entry.witnesses.isEmpty ? "no witness" : entry.witnesses.joined(separator: ", "))")
                            }
                            for problem in report.problems { print("PROBLEM: \(problem)") }
                            print(report.verified ? "verified: every entry and checkpoint checks out" : "verification FAILED")
                        }
                        if !report.verified { throw ExitCode(Exit.failure) }
                    }
                }
                let verification = try await AuditService(context: .cli).verify(location.selector, bundle: bundle, witnesses: witness, quorum: quorum)
                let report = verification.report
                if json {
                    print(try jsonText(report))
                } else {
                    print("\(report.entries) entries, \(report.verifiedCheckpoints) of \(report.checkpoints) checkpoints validly signed")
                    print("log keys (compare with the published ones):")
                    for key in verification.keys { print("  \(key.prefix(72))…") }
                    for entry in report.witnessing {
                        print(
                            "checkpoint #\(entry.checkpoint) (size \(entry.size)): \(entry.final ? "final" : "not final"), "
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
        @OptionGroup var location: StateDatabaseOption
        @Option(help: "Output file.") var out: String

        func run() async throws {
            try await runReporting {
                let bundle = try await AuditService(context: .cli).export(location.selector, to: out)
                print("Wrote \(bundle.entries.count) entries, \(bundle.checkpoints.count) checkpoints and \(bundle.proofs.count) proofs to \(out).")
            }
        }
    }
}
