import ArgumentParser
import DharmaCore
import DharmaService
import Foundation

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

    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await runReporting {
            if remote.isRemote {
                return try await remote.withService { service in
                    let address = try await service.address(of: blueprint.file, environment: blueprint.stack.environment)
                    let report = try await service.drift(address)
                    if json { print(RemoteReport.json(report)) }
                    let drifted = report["resources"] as? [[String: Any]] ?? []
                    if !json {
                        for entry in drifted {
                            print(
                                "~ \(entry["resource"] as? String ?? "?") (\(entry["type"] as? String ?? "?"))\(entry["missing"] as? Bool == true ? ": missing — removed outside Dharma" : "")"
                            )
                            for attribute in entry["attributes"] as? [[String: Any]] ?? [] {
                                print(
                                    "    \(attribute["attribute"] as? String ?? "?"): expected \(attribute["expected"] ?? "(none)"), found \(attribute["actual"] ?? "(none)")"
                                )
                            }
                        }
                        print(
                            drifted.isEmpty ? "No drift on \(address.reference)." : "\n\(drifted.count) of \(report["checked"] as? Int ?? 0) resources drifted."
                        )
                    }
                    if !drifted.isEmpty { throw ExitCode(Exit.changesPresent) }
                }
            }
            let drift = try await StackService(context: .cli).drift(try blueprint.input())
            if json {
                print(drift.json.jsonText)
            } else if !drift.hasDrift {
                print("No drift: \(drift.checked) resource\(drift.checked == 1 ? "" : "s") match what was applied.")
            } else {
                for entry in drift.drifted {
                    print("~ \(entry.name) (\(entry.type))\(entry.missing ? ": missing — removed outside Dharma" : "")")
                    for diff in entry.diffs {
                        let expected = diff.sensitive ? "(sensitive)" : diff.old?.rendered ?? "(none)"
                        let actual = diff.sensitive ? "(sensitive)" : diff.new?.rendered ?? "(none)"
                        print("    \(diff.attribute): expected \(expected), found \(actual)")
                    }
                }
                print("\n\(drift.drifted.count) of \(drift.checked) resources drifted. `dharma apply \(blueprint.file)` repairs them.")
            }
            if drift.hasDrift { throw ExitCode(Exit.changesPresent) }
        }
    }
}
