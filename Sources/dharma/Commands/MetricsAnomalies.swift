import ArgumentParser
import DharmaCore
import DharmaInsight
import DharmaStore
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

        struct Alarm {
            var time: Int64
            var value: Double
            var score: Double
        }

        func run() async throws {
            try await runReporting {
                let parsed = try MetricsCommand.parse(query)
                let window = try MetricsCommand.duration(since)
                guard (1...100_000).contains(learning) else {
                    throw CLIFailure(message: "--learning \(learning): between 1 and 100000 samples", code: Exit.invalidInput)
                }
                let expected = try range.map(Self.parseRange)
                let remembered = memory == "0" ? 0 : try MetricsCommand.duration(memory, option: "--memory")
                let end = Int64((until ?? Date().timeIntervalSince1970) * 1000)
                let series = try await MetricsDatabase.open(location.path()).read(parsed, from: end - Int64(window * 1000), to: end)
                var settings = PatternNoveltyDetector.Settings()
                settings.learning = learning
                settings.restPeriod = learning
                let found = series.keys.sorted { $0.description < $1.description }.map { key in
                    (key, series[key] ?? [], Self.alarms(in: series[key] ?? [], settings: settings, memory: remembered, range: expected))
                }
                if json {
                    print(Value.map(["series": .list(found.map { key, samples, alarms in
                        .map(["series": .string(key.description), "samples": .int(samples.count), "learnt": .bool(samples.count > learning),
                              "alarms": .list(alarms.map { .map(["time": .int(Int($0.time)), "value": .double($0.value), "score": .double($0.score)]) })])
                    })]).jsonText)
                    return
                }
                if found.isEmpty { print("no series matches \(query) in the last \(since)") }
                for (key, samples, alarms) in found {
                    guard samples.count > learning else {
                        print("\(key): \(samples.count) samples, too few to learn from (--learning \(learning))")
                        continue
                    }
                    print("\(key): \(samples.count) samples, \(alarms.count) alarm\(alarms.count == 1 ? "" : "s")")
                    for alarm in alarms {
                        let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(alarm.time) / 1000))
                        print(String(format: "  %@  value %.6g  score %.2f", time, alarm.value, alarm.score))
                    }
                }
            }
        }

        /// The samples whose score reaches the detector's alarm level; a pattern not seen for
        /// `memory` seconds (0: never forgotten) starts to count as new again.
        static func alarms(in samples: [Sample], settings: PatternNoveltyDetector.Settings, memory: Double, range: ClosedRange<Double>?) -> [Alarm] {
            var settings = settings
            settings.memorySpan = memorySpan(seconds: memory, of: samples, learning: settings.learning) ?? settings.memorySpan
            var detector = PatternNoveltyDetector(settings: settings, range: range)
            return samples.compactMap { sample in
                let score = detector.score(sample.value, at: sample.time)
                return score >= settings.alarm ? Alarm(time: sample.time, value: sample.value, score: score) : nil
            }
        }

        /// How many learning periods `seconds` make at the samples' usual spacing; nil when the
        /// spacing cannot be told.
        static func memorySpan(seconds: Double, of samples: [Sample], learning: Int) -> Double? {
            guard let gap = SampleSpacing.typicalGap(samples.map(\.time)) else { return nil }
            return seconds * 1000 / Double(gap) / Double(max(1, learning))
        }

        static func parseRange(_ text: String) throws -> ClosedRange<Double> {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]), low.isFinite, high.isFinite, low < high else {
                throw CLIFailure(message: "--range \(text): write LOW:HIGH with LOW below HIGH, such as 0:100", code: Exit.invalidInput)
            }
            return low...high
        }
    }
}
