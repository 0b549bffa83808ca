import ArgumentParser
import DharmaCore
import DharmaInsight
import Foundation

struct InsightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight",
        abstract: "The models behind detection and prediction, and their evaluations on public data.",
        subcommands: [Eval.self])

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Evaluate a model on its public benchmark and print the figures.",
            subcommands: [Anomaly.self])
    }

    struct Anomaly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anomaly",
            abstract: "Score the anomaly detector on the Numenta Anomaly Benchmark with NAB's rules.",
            discussion: """
                Runs the streaming detector over every NAB series, then scores it as NAB does: windows,
                probationary period, scaled sigmoid, one global threshold per profile chosen over the
                corpus, normalised between the null detector (0) and the perfect one (100).
                --scores-out writes one CSV per series in NAB's results layout
                (timestamp,value,anomaly_score,label) for NAB's own scorer.

                Example: dharma insight eval anomaly --data ../shared/data/nab
                """)

        @Option(help: "The NAB folder (with data/ and labels/).") var data: String
        @Option(help: "Write NAB results CSVs under this directory.") var scoresOut: String?
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "Detector setting NAME=VALUE (forecastWeight, shortWindow, longWindow, learning, alarmTail, restPeriod, novelty); for experiments.")
        var setting: [String] = []

        func settings() throws -> AnomalyDetector.Settings {
            var settings = AnomalyDetector.Settings()
            for assignment in setting {
                let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let number = Double(parts[1]) else {
                    throw CLIFailure(message: "--setting \(assignment): write NAME=NUMBER", code: Exit.invalidInput)
                }
                switch parts[0] {
                case "forecastWeight": settings.forecastWeight = number
                case "shortWindow": settings.shortWindow = max(1, Int(number))
                case "longWindow": settings.longWindow = max(2, Int(number))
                case "learning": settings.learning = max(0, Int(number))
                case "alarmTail": settings.alarmTail = number
                case "restPeriod": settings.restPeriod = max(0, Int(number))
                case "novelty": settings.novelty = max(0, number)
                default: throw CLIFailure(message: "--setting \(parts[0]): unknown setting", code: Exit.invalidInput)
                }
            }
            return settings
        }

        func run() async throws {
            try await runReporting {
                let corpus = try NABCorpus.load(data)
                let chosen = try settings()
                let start = ContinuousClock.now
                var files: [NABScorer.File] = []
                var points = 0
                for series in corpus.series {
                    var detector = AnomalyDetector(settings: chosen)
                    let scores = series.values.map { detector.score($0) }
                    points += scores.count
                    files.append(NABScorer.File(name: series.name, scores: scores, windows: series.windows))
                    if let scoresOut { try writeResults(series, scores: scores, to: scoresOut) }
                }
                let elapsed = ContinuousClock.now - start
                let results = NABScorer.Profile.all.map { NABScorer.score(files, profile: $0) }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                if json {
                    print(Value.map([
                        "files": .int(files.count), "points": .int(points),
                        "profiles": .map(Dictionary(uniqueKeysWithValues: results.map { ($0.profile.name, Value.map([
                            "score": .double(($0.normalised * 100).rounded() / 100), "threshold": .double($0.threshold)])) })),
                    ]).jsonText)
                } else {
                    print("NAB v1.1, \(files.count) files, \(points) points, scored in \(String(format: "%.2f", seconds)) s")
                    for result in results {
                        print(String(format: "  %-20@ %6.2f   (threshold %.6f)", result.profile.name as NSString, result.normalised, result.threshold)
                            .replacingOccurrences(of: "%-20@", with: ""))
                    }
                    print("  published: ARTime 74.9, Numenta HTM 70.1, CAD OSE 69.9, windowedGaussian 39.6 (standard)")
                }
            }
        }

        func writeResults(_ series: NABCorpus.Series, scores: [Double], to directory: String) throws {
            let category = (series.name as NSString).deletingLastPathComponent
            let file = (series.name as NSString).lastPathComponent
            let folder = directory + "/dharma/" + category
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var inWindow = [Bool](repeating: false, count: scores.count)
            for window in series.windows { for row in window { inWindow[row] = true } }
            var text = "timestamp,value,anomaly_score,label\n"
            for row in scores.indices {
                text += "\(series.timestamps[row]),\(series.values[row]),\(scores[row]),\(inWindow[row] ? 1 : 0)\n"
            }
            try text.write(toFile: folder + "/dharma_" + file, atomically: true, encoding: .utf8)
        }
    }
}
