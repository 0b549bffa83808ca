import ArgumentParser
import DharmaCore
import DharmaService
import Foundation

extension MetricsCommand {
    struct Anomalies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find the anomalies in stored series with the pattern-novelty detector.",
            discussion: """
                Each series that matches is run through the detector in time order, as it would have been live: the first --learning samples are learnt from (and, without --range, set the range, widened by half on each side), and after an alarm the next --learning samples are quiet. A pattern the series has not shown for --memory starts to count as new again, fully after twice as long. When the learning samples span more than a day and repeat day by day, a value at a level unusual for its time of day (UTC) alarms too. An alarm is printed with its time, value and score.

                Examples:
                  dharma metrics anomalies 'cpu{resource="web"}' --since 7d --range 0:100
                  dharma metrics anomalies 'request_latency_seconds' --since 1d --json
                """)

        @Argument(help: "A selector; every series it picks is examined.") var query: String
        @Option(help: "How far back: 30s, 15m, 1h, 7d.") var since: String = "7d"
        @Option(help: "End of the range in seconds since 1970 (default: now).") var until: Double?
        @Option(help: "Where values are expected to lie, LOW:HIGH (a percentage: 0:100). Default: learnt.") var range: String?
        @Option(help: "Samples learnt from before scoring, and the quiet period after an alarm.") var learning: Int = 150
        @Option(help: "How long a pattern is remembered: 1d, 7d, 4w; 0 remembers forever.") var memory: String = "7d"
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var location: MetricsCommand.Location

        func run() async throws {
            try await runReporting {
                let found = try await MetricsService(context: .cli).anomalies(
                    .init(query: query, since: since, until: until, range: range, learning: learning, memory: memory), location.selector)
                if json {
                    print(
                        Value.map([
                            "series": .list(
                                found.map { series in
                                    .map([
                                        "series": .string(series.series.description), "samples": .int(series.samples), "learnt": .bool(series.learnt),
                                        "alarms": .list(
                                            series.alarms.map { .map(["time": .int(Int($0.time)), "value": .double($0.value), "score": .double($0.score)]) }),
                                    ])
                                })
                        ]).jsonText)
                    return
                }
                if found.isEmpty { print("no series matches \(query) in the last \(since)") }
                for series in found {
                    guard series.learnt else {
                        print("\(series.series): \(series.samples) samples, too few to learn from (--learning \(learning))")
                        continue
                    }
                    print("\(series.series): \(series.samples) samples, \(series.alarms.count) alarm\(series.alarms.count == 1 ? "" : "s")")
                    for alarm in series.alarms {
                        let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(alarm.time) / 1000))
                        print(String(format: "  %@  value %.6g  score %.2f", time, alarm.value, alarm.score))
                    }
                }
            }
        }
    }
}
