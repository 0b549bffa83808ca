import ArgumentParser
import DharmaCore
import DharmaService
import DharmaStore

struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Inspect recorded state, and break a stale lock.",
        discussion: """
            Examples:
              dharma state list -f examples/webapp.yaml
              dharma state show web -f examples/webapp.yaml
              dharma state history --stack webapp
              dharma state unlock --stack webapp
              dharma state rotate-key -f examples/webapp.yaml
            """,
        subcommands: [List.self, Show.self, History.self, Unlock.self, RotateKey.self])

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Re-seal every secret in the state database under a new key pair (the old one is kept, retired).",
            discussion: """
                Sensitive values (a secret's value, a database password, sensitive variables in saved plans) are stored encrypted with each stack's data key, which is sealed with X-Wing (ML-KEM-768 + X25519) to the key pair in .dharma/keys/sealing.key. Rotation makes a new pair and new data keys and re-encrypts every stored value in one transaction.
                """)
        @OptionGroup var location: StateDatabaseOption
        @Option(help: "Why, for the audit log.") var reason: String?

        func run() async throws {
            try await runReporting {
                let (resealed, keyID) = try await StateService(context: .cli).rotateSealingKey(location.selector, reason: reason)
                print("Re-sealed \(resealed) value\(resealed == 1 ? "" : "s") under the new sealing key \(keyID).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resources recorded for the stack.")
        @OptionGroup var selection: StackSelection
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            try await runReporting {
                if remote.isRemote {
                    return try await remote.withService { service in
                        let address = try await service.address(stack: selection.stack, file: selection.file, environment: selection.environment)
                        let resources = try await service.resources(address)
                        if json { return print(RemoteRunOutput.json(resources)) }
                        print("Stack \(address.reference) on \(service.client.profile.server), \(resources.count) resource\(resources.count == 1 ? "" : "s"):")
                        for row in resources { print("  \(row.name.padded(24)) \(row._type) (\(row.provider))") }
                    }
                }
                let listing = try await StateService(context: .cli).list(selection.selector)
                if json {
                    print(listing.json.jsonText)
                    return
                }
                let rows = listing.resources
                print("Stack \(listing.stack) (serial \(listing.state.serial)), \(rows.count) resource\(rows.count == 1 ? "" : "s"):")
                for row in rows { print("  \(row.name.padded(24)) \(row.type) (\(row.provider.rawValue))") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything recorded about one resource (secrets masked).")
        @Argument(help: "Resource name.") var resource: String
        @OptionGroup var selection: StackSelection
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let entry = try await StateService(context: .cli).show(resource, selection.selector)
                if json {
                    print(
                        Value.map([
                            "name": .string(entry.name), "type": .string(entry.type), "provider": .string(entry.provider.rawValue),
                            "region": .string(entry.region), "inputs": .map(entry.inputs), "outputs": .map(entry.outputs),
                            "dependencies": .list(entry.dependencies.map(Value.string)),
                        ]).jsonText)
                    return
                }
                print("\(entry.name) (\(entry.type) on \(entry.provider.rawValue), region \(entry.region))")
                print("  inputs:")
                for (key, value) in entry.inputs.sorted(by: { $0.key < $1.key }) { print("    \(key) = \(value.rendered)") }
                print("  outputs:")
                for (key, value) in entry.outputs.sorted(by: { $0.key < $1.key }) { print("    \(key) = \(value.rendered)") }
                if !entry.dependencies.isEmpty { print("  depends on: \(entry.dependencies.joined(separator: ", "))") }
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "State versions, one per apply.")
        @OptionGroup var selection: StackSelection
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let (stack, versions) = try await StateService(context: .cli).history(selection.selector)
                if json {
                    print(
                        Value.list(
                            versions.map { version in
                                var entry: [String: Value] = [
                                    "version": .int(version.version), "serial": .int(version.serial),
                                    "time": .string(Timestamp.iso8601(version.createdAt)), "summary": .string(version.summary),
                                    "resources": .int(version.resourceCount),
                                ]
                                if let operation = version.operation { entry["operation"] = .string(operation.rawValue) }
                                return .map(entry)
                            }
                        ).jsonText)
                    return
                }
                if versions.isEmpty { print("No versions recorded for \(stack).") }
                for version in versions {
                    print(
                        "v\(version.version)  \(Timestamp.iso8601(version.createdAt))  serial \(version.serial)  \(version.resourceCount) resources  \(version.summary)"
                    )
                }
            }
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Break the stack lock (when its holder is gone).")
        @OptionGroup var selection: StackSelection

        func run() async throws {
            try await runReporting {
                let (stack, holder) = try await StateService(context: .cli).unlock(selection.selector)
                if let holder {
                    print("Removed the lock on \(stack) held by \(holder).")
                } else {
                    print("\(stack) was not locked.")
                }
            }
        }
    }
}
