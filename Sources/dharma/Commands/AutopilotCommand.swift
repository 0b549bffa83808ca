import ArgumentParser
import DharmaService
import Foundation

struct AutopilotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autopilot",
        abstract: "What the autopilot has learned.",
        discussion: """
            Examples:
              dharma autopilot stats -f examples/webapp.yaml
              dharma autopilot stats --json
            """,
        subcommands: [Stats.self])

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Success rate and time to recover of each remediation, per symptom.",
            discussion: """
                Every remediation attempt is counted: a success once its symptom stayed away for the verification window, a failure when the remediation did not apply or the symptom came back. Recovery is measured from the incident opening. When several remediations fit a symptom, the autopilot picks with UCB1 on these figures: the best success-and-speed record, while still trying options it knows little about.
                """)

        @OptionGroup var selection: StackSelection
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let table = try await IncidentService(context: .cli).stats(selection.selector)
                if json {
                    print(try jsonText(["remediations": table]))
                    return
                }
                guard !table.isEmpty else {
                    print("No remediations recorded yet.")
                    return
                }
                print("SYMPTOM    ACTION           ATTEMPTS  SUCCESS  RECOVERY p50  MEAN")
                for row in table {
                    let rate = String(format: "%.0f %%", row.successRate * 100)
                    print(
                        [
                            row.symptom.rawValue.padded(10), row.action.rawValue.padded(16), String(row.attempts).padded(9), rate.padded(8),
                            (row.medianRecovery.map(humanSeconds) ?? "–").padded(13),
                            row.meanRecovery.map(humanSeconds) ?? "–",
                        ].joined(separator: " "))
                }
            }
        }
    }
}
