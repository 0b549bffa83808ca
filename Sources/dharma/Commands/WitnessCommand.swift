import ArgumentParser
import DharmaAudit
import DharmaSecurity
import DharmaServer
import DharmaService
import Foundation
import Logging

struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Run an independent witness that cosigns a log's checkpoints only when they extend what it saw.",
        discussion: """
            The witness has its own keys (Ed25519 and ML-DSA-65) and state, trusts the log's keys only as given with --log-key, checks a consistency proof from the last checkpoint it cosigned, and refuses rollbacks and forks.

            Examples:
              dharma witness key --name w1 --keys ~/.dharma-witness/keys
              dharma audit keys -f examples/webapp.yaml   # the log's keys, for --log-key
              dharma witness serve --name w1 --keys ~/.dharma-witness/keys \\
                --log examples/.dharma/dharma.db \\
                --log-key 'dharma-log+…' --log-key 'dharma-log+…'
              dharma audit verify -f examples/webapp.yaml \\
                --witness 'w1+…' --witness 'w1+…' --quorum 1

            Over HTTP, as a C2SP tlog-witness that logs push checkpoints to (POST /add-checkpoint):
              dharma witness serve --name w1 --keys ~/.dharma-witness/keys --listen 127.0.0.1:7380 \\
                --log-key 'dharma-log+…' --log-key 'dharma-log+…'
            """,
        subcommands: [Serve.self, Key.self])

    struct Identity: ParsableArguments {
        @Option(help: "The witness's name.") var name: String
        @Option(help: "Directory of the witness's keys (created 0700/0600 on first use).") var keys: String

        func witness(statePath: String) throws -> Witness {
            do {
                return Witness(name: name, signers: try KeyDirectory(path: keys).signers(named: name), statePath: statePath)
            } catch {
                throw ServiceError.failed("witness keys: \(error)")
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the witness's verifier keys (creating them on first use).")
        @OptionGroup var identity: Identity

        func run() async throws {
            try await runReporting {
                for verifier in try identity.witness(statePath: "/dev/null").verifiers { print(verifier.encoded) }
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cosign each new checkpoint that checks out: of a log it reads (--log), or pushed to it over HTTP (--listen).")
        @OptionGroup var identity: Identity
        @Option(help: "The log to witness: a state database path.") var log: String?
        @Option(help: "HOST:PORT to serve C2SP tlog-witness's POST /add-checkpoint on (port 0 picks a free one).") var listen: String?
        @Option(help: "With --listen: a log origin this witness serves (repeatable; default: any the log keys sign).") var origin: [String] = []
        @Option(name: .customLong("log-key"), help: "A verifier key of the log (both of its keys are needed).") var logKeys: [String] = []
        @Option(help: "Where the witness remembers what it cosigned (default: next to its keys).") var state: String?
        @Option(help: "Seconds between looks at the log.") var interval: Double = 2
        @Flag(help: "Look once and exit (exit 1 on a refusal).") var once = false

        func run() async throws {
            try await runReporting {
                guard !logKeys.isEmpty else { throw ServiceError.invalidInput("give the log's verifier keys with --log-key (see `dharma audit keys`)") }
                let trusted: [NoteVerifier]
                do {
                    trusted = try logKeys.map { try NoteVerifier(encoded: $0) }
                } catch {
                    throw ServiceError.invalidInput("--log-key: \(error)")
                }
                let witness = try identity.witness(statePath: state ?? identity.keys + "/\(identity.name).witnessed.json")
                if let listen {
                    let (host, port) = try ServerSettings.listenAddress(listen)
                    let server = WitnessServer(witness: witness, logKeys: trusted, origins: origin.isEmpty ? nil : Set(origin), host: host, port: port)
                    try await server.run(logger: Logger(label: "dharma.witness")) { port in
                        print("\(identity.name): witnessing at http://\(host):\(port)/add-checkpoint")
                        fflush(nil)
                    }
                    return
                }
                guard let log else { throw ServiceError.invalidInput("give the log to read with --log PATH, or serve over HTTP with --listen HOST:PORT") }
                let audit = try AuditService(context: .cli).log(at: log)
                let stop = StopSignal()
                repeat {
                    do {
                        switch try await witness.witness(audit, logKeys: trusted) {
                        case .cosigned:
                            let size = try await audit.latestCheckpoint()?.0.size ?? 0
                            print("\(identity.name): cosigned the checkpoint of size \(size)")
                        case .alreadyCosigned:
                            if once { print("\(identity.name): nothing new to cosign") }
                        }
                    } catch let refusal as Witness.Refusal {
                        Terminal.error("\(identity.name): \(refusal)")
                        if once { throw ExitCode(Exit.failure) }
                    }
                    fflush(nil)
                    if once { break }
                    let deadline = ContinuousClock.now + .milliseconds(Int(max(0.2, interval) * 1000))
                    while !stop.received, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
                } while !stop.received
            }
        }
    }
}
