import ArgumentParser
import DharmaCore

struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare what runs with what was applied; exit 4 when anything drifted.",
        discussion: """
            A changed file hash or mode, a missing directory, a dead process, a process running other arguments, or a process Dharma started but never recorded is drift. `dharma apply` repairs it.

            Examples:
              dharma drift examples/webapp.yaml
              dharma drift examples/webapp.yaml --json
            """)

    @OptionGroup var blueprint: BlueprintOptions

    @Flag(help: "Print {\"drifted\": bool, \"resources\": [...]}.")
    var json = false

    func run() async throws {
        try await runReporting {
            let prepared = try blueprint.prepare()
            let engine = try blueprint.engine()
            let recorded = try await engine.loadState(prepared.stack)
            let observed = try await engine.refresh(recorded, context: engine.context(for: prepared))
            let ignored = Dictionary(uniqueKeysWithValues: prepared.blueprint.resources.map { ($0.name, Set($0.lifecycle.ignoreChanges)) })
            var drifted: [(name: String, type: String, missing: Bool, diffs: [AttributeDiff])] = []
            for name in observed.keys.sorted() {
                guard let observation = observed[name], let state = recorded.resources[name] else { continue }
                let diffs = observation.drift.filter { !(ignored[name] ?? []).contains(String($0.attribute.split(separator: ".")[0])) }
                if !observation.exists || !diffs.isEmpty { drifted.append((name, state.type, !observation.exists, diffs)) }
            }
            if json {
                print(Value.map([
                    "drifted": .bool(!drifted.isEmpty),
                    "checked": .int(recorded.resources.count),
                    "resources": .list(drifted.map { entry in
                        .map(["resource": .string(entry.name), "type": .string(entry.type), "missing": .bool(entry.missing),
                              "attributes": .list(entry.diffs.map { .map(["attribute": .string($0.attribute),
                                                                          "expected": $0.sensitive ? "(sensitive)" : ($0.old ?? .null),
                                                                          "actual": $0.sensitive ? "(sensitive)" : ($0.new ?? .null)]) })])
                    }),
                ]).jsonText)
            } else if drifted.isEmpty {
                print("No drift: \(recorded.resources.count) resource\(recorded.resources.count == 1 ? "" : "s") match what was applied.")
            } else {
                for entry in drifted {
                    print("~ \(entry.name) (\(entry.type))\(entry.missing ? ": missing — removed outside Dharma" : "")")
                    for diff in entry.diffs {
                        let expected = diff.sensitive ? "(sensitive)" : diff.old?.rendered ?? "(none)"
                        let actual = diff.sensitive ? "(sensitive)" : diff.new?.rendered ?? "(none)"
                        print("    \(diff.attribute): expected \(expected), found \(actual)")
                    }
                }
                print("\n\(drifted.count) of \(recorded.resources.count) resources drifted. `dharma apply \(blueprint.file)` repairs them.")
            }
            if !drifted.isEmpty { throw ExitCode(Exit.changesPresent) }
        }
    }
}
