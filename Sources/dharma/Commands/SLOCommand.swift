import ArgumentParser
import DharmaMetrics
import DharmaService
import Foundation

struct SLOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slo",
        abstract: "Show each service's standing against its service-level objectives.",
        discussion: """
            For every compute.service with an `slo` (its own, over the stack's metadata.slo): the SLIs over the objective's window, the error budget left, the burn rate over 5 min, 30 min, 1 h and 6 h, and the burn-rate alert that fires (14.4× over 1 h and 5 min, else 6× over 6 h and 30 min, as in the Google SRE workbook). The figures come from the services' proxies, as `dharma up` scrapes them.

            Examples:
              dharma slo -f examples/webapp.yaml
              dharma slo -f examples/webapp.yaml --json
            """)

    @OptionGroup var selection: StackSelection
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReporting {
            let (stack, statuses) = try await ServiceLevelService(context: .cli).statuses(selection.selector)
            if json {
                print(try jsonText(statuses))
                return
            }
            guard !statuses.isEmpty else {
                print("No service of \(stack) has a service-level objective.")
                return
            }
            print("Service levels of \(stack):")
            for status in statuses {
                for indicator in status.indicators {
                    let achieved = status.achieved(indicator).map { String(format: "%.3f%%", $0 * 100) } ?? "no requests"
                    let left = status.budgetRemaining(indicator).map { String(format: "%.1f%% of the budget left", $0 * 100) } ?? ""
                    let rates = status.burnRates.filter { $0.indicator == indicator }.map {
                        "\(ServiceLevelStatus.Alert.window($0.window)) \($0.rate.map(ServiceLevelStatus.Alert.times) ?? "—")"
                    }
                    print("  \(status.resource.padded(12)) \(indicator.rawValue.padded(12)) \(achieved.padded(11)) \(left)")
                    print("  \("".padded(12)) burn rate: \(rates.joined(separator: ", "))")
                    for alert in status.alerts where alert.indicator == indicator {
                        print("  \("".padded(12)) ALERT (\(alert.rule.speed.rawValue) burn): \(alert.summary)")
                    }
                }
            }
        }
    }
}
