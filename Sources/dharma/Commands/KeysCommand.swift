import ArgumentParser
import DharmaClient
import DharmaSecurity
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Your own approval keys, for approving server runs from this machine.",
        discussion: """
            The keys (Ed25519 and ML-DSA-65) live in ~/.config/dharma/keys (or --keys DIR), mode 0600, and never leave this machine. Register their public halves with the server once; then `dharma approve --remote RUN --sign` signs the run's plan here and the server verifies the signature with them.

            Examples:
              dharma keys register --remote
              dharma keys show --remote
              dharma approve --remote run-1a2b3c --sign --reason "reviewed in CHG-42"
            """,
        subcommands: [Show.self, Register.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print your public keys (created on first use), named as the server knows you.")
        @Option(help: "Where your keys are (default: ~/.config/dharma/keys).", completion: .directory) var keys: String?
        @OptionGroup var remote: RemoteOptions

        func validate() throws {
            if !remote.isRemote { throw ValidationError("--remote (or --profile): your keys are named as the server knows you") }
        }

        func run() async throws {
            try await runReporting {
                let own = try await remote.withService { try await $0.ownVerifiers(in: KeysCommand.directory(keys)) }
                for key in own.keys { print(key) }
            }
        }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register your public keys with the server, replacing earlier ones.")
        @Option(help: "Where your keys are (default: ~/.config/dharma/keys).", completion: .directory) var keys: String?
        @OptionGroup var remote: RemoteOptions

        func validate() throws {
            if !remote.isRemote { throw ValidationError("register goes with --remote (or --profile)") }
        }

        func run() async throws {
            try await runReporting {
                let registered = try await remote.withService { try await $0.registerApprovalKeys(from: KeysCommand.directory(keys)) }
                print("registered \(registered.count) keys; approve with `dharma approve --remote RUN --sign`")
            }
        }
    }

    static func directory(_ path: String?) -> KeyDirectory {
        path.map(KeyDirectory.init(path:)) ?? RemoteStackService.approverKeys(environment: ProcessInfo.processInfo.environment)
    }
}
