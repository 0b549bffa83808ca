import ArgumentParser
import DharmaAudit
import DharmaCore
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
            """,
        subcommands: [List.self, Show.self, History.self, Unlock.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resources recorded for the stack.")
        @OptionGroup var selection: StackSelection
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let (engine, stack) = try await selection.open()
                let state = try await engine.loadState(stack)
                let rows = state.resources.values.sorted { $0.name < $1.name }
                if json {
                    print(Value.map(["stack": .string(stack.description), "serial": .int(state.serial),
                                     "resources": .list(rows.map { .map(["name": .string($0.name), "type": .string($0.type),
                                                                         "provider": .string($0.provider.rawValue)]) })]).jsonText)
                    return
                }
                print("Stack \(stack) (serial \(state.serial)), \(rows.count) resource\(rows.count == 1 ? "" : "s"):")
                for row in rows { print("  \(row.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(row.type) (\(row.provider.rawValue))") }
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
                let (engine, stack) = try await selection.open()
                let state = try await engine.loadState(stack)
                guard var entry = state.resources[resource] else {
                    throw CLIFailure(message: "no resource `\(resource)` is recorded for \(stack)"
                        + (Suggestion.hint(for: resource, in: state.resources.keys).map { "; \($0)" } ?? ""), code: Exit.invalidInput)
                }
                for name in ResourceCatalog.type(named: entry.type)?.sensitiveProperties ?? [] where entry.inputs[name] != nil {
                    entry.inputs[name] = .string("(sensitive)")
                }
                let value = Value.map(["name": .string(entry.name), "type": .string(entry.type), "provider": .string(entry.provider.rawValue),
                                       "region": .string(entry.region), "inputs": .map(entry.inputs), "outputs": .map(entry.outputs),
                                       "dependencies": .list(entry.dependencies.map(Value.string))])
                if json {
                    print(value.jsonText)
                } else {
                    print("\(entry.name) (\(entry.type) on \(entry.provider.rawValue), region \(entry.region))")
                    print("  inputs:")
                    for (key, value) in entry.inputs.sorted(by: { $0.key < $1.key }) { print("    \(key) = \(value.rendered)") }
                    print("  outputs:")
                    for (key, value) in entry.outputs.sorted(by: { $0.key < $1.key }) { print("    \(key) = \(value.rendered)") }
                    if !entry.dependencies.isEmpty { print("  depends on: \(entry.dependencies.joined(separator: ", "))") }
                }
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "State versions, one per apply.")
        @OptionGroup var selection: StackSelection
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let (engine, stack) = try await selection.open()
                let versions = try await engine.store.versions(of: stack)
                if json {
                    print(Value.list(versions.map { .map(["version": .int($0.version), "serial": .int($0.serial),
                                                          "time": .string(Timestamp.iso8601($0.createdAt)), "summary": .string($0.summary),
                                                          "resources": .int($0.resourceCount)]) }).jsonText)
                    return
                }
                if versions.isEmpty { print("No versions recorded for \(stack).") }
                for version in versions {
                    print("v\(version.version)  \(Timestamp.iso8601(version.createdAt))  serial \(version.serial)  \(version.resourceCount) resources  \(version.summary)")
                }
            }
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Break the stack lock (when its holder is gone).")
        @OptionGroup var selection: StackSelection

        func run() async throws {
            try await runReporting {
                let (engine, stack) = try await selection.open(audited: true)
                if let holder = try await engine.store.breakLock(stack) {
                    try await engine.record(AuditDraft(actor: AuditLog.currentActor, action: "lock-break", stack: stack.description,
                                                       reason: "dharma state unlock: removed the lock held by \(holder)"))
                    print("Removed the lock on \(stack) held by \(holder).")
                } else {
                    print("\(stack) was not locked.")
                }
            }
        }
    }
}
