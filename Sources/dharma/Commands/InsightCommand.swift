import ArgumentParser
import DharmaBench
import DharmaCore
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
            subcommands: [Anomaly.self, Forecast.self, RootCause.self])
    }

    struct RootCause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rca",
            abstract: "Rank root causes of simulated incidents whose cause is known; top-1 and top-3 accuracy against the earliest-anomaly baseline.",
            discussion: "Example: dharma insight eval rca --incidents 300 --seed 1")

        @Option(help: "Incidents to simulate.") var incidents = 300
        @Option(help: "Seed, so the run can be repeated.") var seed: UInt64 = 1
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard incidents >= 1 else { throw ValidationError("--incidents must be at least 1") }
            let result = RootCauseEvaluation.run(incidents: incidents, seed: seed)
            if json {
                print(
                    Value.map([
                        "incidents": .int(incidents), "seed": .int(Int(seed)),
                        "pagerank": .map(["top1": .double(result.pagerank.top1), "top3": .double(result.pagerank.top3)]),
                        "earliestAnomaly": .map(["top1": .double(result.earliestAnomaly.top1), "top3": .double(result.earliestAnomaly.top3)]),
                    ]).jsonText)
            } else {
                print("\(incidents) simulated incidents (seed \(seed)), \(String(format: "%.1f", result.meanServices)) services each on average")
                print(String(format: "  personalised PageRank   top-1 %5.1f %%   top-3 %5.1f %%", result.pagerank.top1, result.pagerank.top3))
                print(String(format: "  earliest anomaly        top-1 %5.1f %%   top-3 %5.1f %%", result.earliestAnomaly.top1, result.earliestAnomaly.top3))
            }
        }
    }

    struct Forecast: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forecast",
            abstract: "Forecast the M4 hourly series and score them as M4 does (sMAPE, MASE with m = 24, OWA against Naive2).",
            discussion: "Example: dharma insight eval forecast --data ../shared/data/m4-hourly")

        @Option(help: "The folder with Hourly-train.csv and Hourly-test.csv.") var data: String
        @Option(help: "The NAB folder: also forecast its realAWSCloudwatch CPU series from rolling origins.") var nab: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let result = ForecastEvaluation.m4(try M4Dataset.load(data))
                if json {
                    print(
                        Value.map([
                            "series": .int(result.series), "horizon": .int(result.horizon),
                            "methods": .map(
                                Dictionary(
                                    uniqueKeysWithValues: result.methods.map {
                                        (
                                            $0.name,
                                            Value.map([
                                                "sMAPE": .double(($0.sMAPE * 1000).rounded() / 1000), "MASE": .double(($0.MASE * 1000).rounded() / 1000),
                                                "OWA": .double(($0.OWA * 1000).rounded() / 1000),
                                            ])
                                        )
                                    })),
                        ]).jsonText)
                    return
                }
                print("M4 Hourly, \(result.series) series, horizon \(result.horizon), in \(String(format: "%.2f", result.seconds)) s")
                print("  method     sMAPE    MASE    OWA")
                for method in result.methods {
                    print("  " + method.name.padded(8) + String(format: " %7.3f %7.3f %6.3f", method.sMAPE, method.MASE, method.OWA))
                }
                print("  published: Theta OWA 1.006, FFORMA 0.484, ES-RNN 0.440, best hourly 0.410")
                print("  methods chosen: " + result.chosen.sorted { $0.value > $1.value }.prefix(8).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                if let nab {
                    let rolling = ForecastEvaluation.rollingCPU(try NABCorpus.load(nab))
                    print("NAB realAWSCloudwatch CPU, \(rolling.series) series, \(rolling.origins) rolling origins, 1 hour ahead (12 steps)")
                    print(String(format: "  dharma sMAPE %.3f   seasonal naive (daily) sMAPE %.3f", rolling.sMAPE, rolling.seasonalNaiveSMAPE))
                }
            }
        }
    }

    struct Anomaly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anomaly",
            abstract: "Score an anomaly detector on the Numenta Anomaly Benchmark with NAB's rules.",
            discussion: """
                Runs a streaming detector over every NAB series, then scores it as NAB does: windows, probationary period, scaled sigmoid, one global threshold per profile chosen over the corpus, normalised between the null detector (0) and the perfect one (100).

                --detector pattern (the default) is the pattern-novelty detector; likelihood is the prediction-error likelihood detector. Each file's probationary period is the pattern detector's learning period, and a fifth of it its rest after an alarm.
                --range file gives the pattern detector each file's minimum and maximum, as NAB's runner gives every detector (inputMin, inputMax); --range learned uses only the values of the probationary period.
                --scores-out writes one CSV per series in NAB's results layout (timestamp,value,anomaly_score,label) for NAB's own scorer.

                Example: dharma insight eval anomaly --data ../shared/data/nab
                """)

        enum Detector: String, ExpressibleByArgument, CaseIterable { case pattern, likelihood }
        enum RangeSource: String, ExpressibleByArgument, CaseIterable { case file, learned }

        @Option(help: "The NAB folder (with data/ and labels/).") var data: String
        @Option(help: "Write NAB results CSVs under this directory.") var scoresOut: String?
        @Option(help: "The detector: pattern or likelihood.") var detector: Detector = .pattern
        @Option(help: "Where the pattern detector's value range comes from: file or learned.") var range: RangeSource = .file
        @Flag(help: "Print JSON.") var json = false
        @Option(
            help: """
                Detector setting NAME=VALUE, for experiments; sizes are capped (order 64, windows 100,000). pattern: levels, order, smoothing, smoothLevels, smoothWeight, ordinaryWeight, tailSharpness, baselineWindow, alarm, rangeMargin, tableSize, dayParts, dailyWeight, rhythm, memorySpan. \
                likelihood: forecastWeight, shortWindow, longWindow, learning, alarmTail, restPeriod, novelty.
                """)
        var setting: [String] = []

        func run() async throws {
            try await runReporting {
                let evaluation = AnomalyEvaluation(
                    detector: detector == .pattern ? .pattern : .likelihood, range: range == .file ? .file : .learned,
                    settings: try setting.map(AnomalyEvaluation.setting))
                let corpus = try NABCorpus.load(data)
                let result = try evaluation.run(corpus) { series, scores in
                    if let scoresOut { try AnomalyEvaluation.writeResults(series, scores: scores, to: scoresOut) }
                }
                let detectorName = detector == .pattern ? "pattern (range: \(range.rawValue))" : "likelihood"
                if json {
                    print(
                        Value.map([
                            "files": .int(result.files), "points": .int(result.points), "detector": .string(detector.rawValue),
                            "range": detector == .pattern ? .string(range.rawValue) : .null,
                            "profiles": .map(
                                Dictionary(
                                    uniqueKeysWithValues: result.profiles.map {
                                        (
                                            $0.profile.name,
                                            Value.map([
                                                "score": .double(($0.normalised * 100).rounded() / 100), "threshold": .double($0.threshold),
                                            ])
                                        )
                                    })),
                        ]).jsonText)
                } else {
                    print(
                        "NAB v1.1, \(result.files) files, \(result.points) points, detector \(detectorName), scored in \(String(format: "%.2f", result.seconds)) s"
                    )
                    for profile in result.profiles {
                        print("  " + profile.profile.name.padded(20) + String(format: " %6.2f   (threshold %.6f)", profile.normalised, profile.threshold))
                    }
                    print("  published: ARTime 74.9, Numenta HTM 70.1, CAD OSE 69.9, windowedGaussian 39.6 (standard)")
                }
            }
        }
    }
}
