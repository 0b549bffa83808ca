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
            var simulator = IncidentSimulator(seed: seed)
            let analyzer = RootCauseAnalyzer()
            var hits = (pagerank: (top1: 0, top3: 0), baseline: (top1: 0, top3: 0))
            var sizes = 0
            for _ in 0..<incidents {
                let incident = simulator.next()
                sizes += incident.nodes.count
                let ranked = analyzer.rank(incident.nodes).map(\.name)
                let baseline = analyzer.earliestAnomaly(incident.nodes).map(\.name)
                if ranked.first == incident.rootCause { hits.pagerank.top1 += 1 }
                if ranked.prefix(3).contains(incident.rootCause) { hits.pagerank.top3 += 1 }
                if baseline.first == incident.rootCause { hits.baseline.top1 += 1 }
                if baseline.prefix(3).contains(incident.rootCause) { hits.baseline.top3 += 1 }
            }
            let percent = { (hits: Int) in Double(hits) / Double(incidents) * 100 }
            if json {
                print(Value.map(["incidents": .int(incidents), "seed": .int(Int(seed)),
                                 "pagerank": .map(["top1": .double(percent(hits.pagerank.top1)), "top3": .double(percent(hits.pagerank.top3))]),
                                 "earliestAnomaly": .map(["top1": .double(percent(hits.baseline.top1)), "top3": .double(percent(hits.baseline.top3))])]).jsonText)
            } else {
                print("\(incidents) simulated incidents (seed \(seed)), \(String(format: "%.1f", Double(sizes) / Double(incidents))) services each on average")
                print(String(format: "  personalised PageRank   top-1 %5.1f %%   top-3 %5.1f %%", percent(hits.pagerank.top1), percent(hits.pagerank.top3)))
                print(String(format: "  earliest anomaly        top-1 %5.1f %%   top-3 %5.1f %%", percent(hits.baseline.top1), percent(hits.baseline.top3)))
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

        /// Rolling origins every 6 hours over the second half of each series, one hour ahead;
        /// sMAPE of the forecaster and of the daily seasonal naive (288 five-minute steps).
        func rollingCPU(_ directory: String) throws -> (ours: Double, seasonal: Double, origins: Int, series: Int) {
            let corpus = try NABCorpus.load(directory)
            let cpu = corpus.series.filter { $0.name.hasPrefix("realAWSCloudwatch/") && $0.name.contains("cpu") }
            let forecaster = SeasonalForecaster(periods: [288])
            var ours = 0.0, seasonal = 0.0, origins = 0
            for series in cpu {
                var origin = series.values.count / 2
                while origin + 12 <= series.values.count {
                    let history = Array(series.values[..<origin])
                    let actual = Array(series.values[origin..<(origin + 12)])
                    ours += ForecastAccuracy.sMAPE(actual: actual, forecast: forecaster.forecast(history, horizon: 12).forecast)
                    seasonal += ForecastAccuracy.sMAPE(actual: actual, forecast: BenchmarkForecasts.seasonalNaive(history, horizon: 12, period: 288))
                    origins += 1
                    origin += 72
                }
            }
            return (ours / Double(max(1, origins)), seasonal / Double(max(1, origins)), origins, cpu.count)
        }

        func run() async throws {
            try await runReporting {
                let dataset = try M4Dataset.load(data)
                let horizon = 48
                let forecaster = SeasonalForecaster()
                let ets = ExponentialSmoothing()
                var totals: [String: (smape: Double, mase: Double)] = [:]
                var chosen: [String: Int] = [:]
                let start = ContinuousClock.now
                for (train, test) in zip(dataset.train, dataset.test) {
                    let choice = forecaster.forecast(train, horizon: horizon)
                    for name in choice.methods { chosen[name, default: 0] += 1 }
                    let candidates: [(String, [Double])] = [
                        ("Naive", BenchmarkForecasts.naive(train, horizon: horizon)),
                        ("sNaive", BenchmarkForecasts.seasonalNaive(train, horizon: horizon, period: 24)),
                        ("Naive2", BenchmarkForecasts.naive2(train, horizon: horizon, period: 24)),
                        ("dharma", choice.forecast),
                        ("ETS", ets.fit(train).map { ets.forecast($0, horizon: horizon).mean } ?? BenchmarkForecasts.naive(train, horizon: horizon)),
                    ]
                    for (name, forecast) in candidates {
                        let smape = ForecastAccuracy.sMAPE(actual: test, forecast: forecast)
                        let mase = ForecastAccuracy.MASE(insample: train, actual: test, forecast: forecast, period: 24)
                        let sum = totals[name] ?? (0, 0)
                        totals[name] = (sum.smape + smape, sum.mase + mase)
                    }
                }
                let elapsed = ContinuousClock.now - start
                let count = Double(dataset.train.count)
                let means = totals.mapValues { ($0.smape / count, $0.mase / count) }
                let naive2 = means["Naive2"] ?? (1, 1)
                let rows = ["Naive", "sNaive", "Naive2", "ETS", "dharma"].compactMap { name in
                    means[name].map { (name, $0.0, $0.1, ForecastAccuracy.OWA(sMAPE: $0.0, MASE: $0.1, naive2SMAPE: naive2.0, naive2MASE: naive2.1)) }
                }
                if json {
                    print(Value.map(["series": .int(dataset.train.count), "horizon": .int(horizon),
                                     "methods": .map(Dictionary(uniqueKeysWithValues: rows.map { ($0.0, Value.map([
                                        "sMAPE": .double(($0.1 * 1000).rounded() / 1000), "MASE": .double(($0.2 * 1000).rounded() / 1000),
                                        "OWA": .double(($0.3 * 1000).rounded() / 1000)])) }))]).jsonText)
                } else {
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    print("M4 Hourly, \(dataset.train.count) series, horizon \(horizon), in \(String(format: "%.2f", seconds)) s")
                    print("  method     sMAPE    MASE    OWA")
                    for row in rows {
                        print("  " + row.0.padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: " %7.3f %7.3f %6.3f", row.1, row.2, row.3))
                    }
                    print("  published: Theta OWA 1.006, FFORMA 0.484, ES-RNN 0.440, best hourly 0.410")
                    print("  methods chosen: " + chosen.sorted { $0.value > $1.value }.prefix(8).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                    if let nab {
                        let rolling = try rollingCPU(nab)
                        print("NAB realAWSCloudwatch CPU, \(rolling.series) series, \(rolling.origins) rolling origins, 1 hour ahead (12 steps)")
                        print(String(format: "  dharma sMAPE %.3f   seasonal naive (daily) sMAPE %.3f", rolling.ours, rolling.seasonal))
                    }
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
        @Option(help: """
            Detector setting NAME=VALUE, for experiments; sizes are capped (order 64, windows 100,000). pattern: levels, order, smoothing, smoothLevels, smoothWeight, ordinaryWeight, tailSharpness, baselineWindow, alarm, rangeMargin, tableSize, dayParts, dailyWeight, rhythm, memorySpan. \
            likelihood: forecastWeight, shortWindow, longWindow, learning, alarmTail, restPeriod, novelty.
            """)
        var setting: [String] = []

        func run() async throws {
            try await runReporting {
                let corpus = try NABCorpus.load(data)
                let score = try scorer()
                let start = ContinuousClock.now
                var files: [NABScorer.File] = []
                var points = 0
                for series in corpus.series {
                    let scores = score(series)
                    points += scores.count
                    files.append(NABScorer.File(name: series.name, scores: scores, windows: series.windows))
                    if let scoresOut { try writeResults(series, scores: scores, to: scoresOut) }
                }
                let elapsed = ContinuousClock.now - start
                let results = NABScorer.Profile.all.map { NABScorer.score(files, profile: $0) }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let detectorName = detector == .pattern ? "pattern (range: \(range.rawValue))" : "likelihood"
                if json {
                    print(Value.map([
                        "files": .int(files.count), "points": .int(points), "detector": .string(detector.rawValue),
                        "range": detector == .pattern ? .string(range.rawValue) : .null,
                        "profiles": .map(Dictionary(uniqueKeysWithValues: results.map { ($0.profile.name, Value.map([
                            "score": .double(($0.normalised * 100).rounded() / 100), "threshold": .double($0.threshold)])) })),
                    ]).jsonText)
                } else {
                    print("NAB v1.1, \(files.count) files, \(points) points, detector \(detectorName), scored in \(String(format: "%.2f", seconds)) s")
                    for result in results {
                        print("  " + result.profile.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                              + String(format: " %6.2f   (threshold %.6f)", result.normalised, result.threshold))
                    }
                    print("  published: ARTime 74.9, Numenta HTM 70.1, CAD OSE 69.9, windowedGaussian 39.6 (standard)")
                }
            }
        }

        /// The chosen detector, set up per file the way NAB's runner sets up each detector.
        func scorer() throws -> (NABCorpus.Series) -> [Double] {
            let assignments = try setting.map(parse)
            switch detector {
            case .likelihood:
                var settings = AnomalyDetector.Settings()
                for (name, number) in assignments {
                    switch name {
                    case "forecastWeight": settings.forecastWeight = number
                    case "shortWindow": settings.shortWindow = min(max(1, Int(number)), 100_000)
                    case "longWindow": settings.longWindow = min(max(2, Int(number)), 100_000)
                    case "learning": settings.learning = max(0, Int(number))
                    case "alarmTail": settings.alarmTail = number
                    case "restPeriod": settings.restPeriod = max(0, Int(number))
                    case "novelty": settings.novelty = max(0, number)
                    default: throw unknownSetting(name)
                    }
                }
                return { [settings] series in
                    var detector = AnomalyDetector(settings: settings)
                    return series.values.map { detector.score($0) }
                }
            case .pattern:
                var settings = PatternNoveltyDetector.Settings()
                for (name, number) in assignments {
                    switch name {
                    case "levels": settings.levels = min(max(2, Int(number)), 1 << 20)
                    case "order": settings.order = min(max(1, Int(number)), 64)
                    case "smoothing": settings.smoothing = min(max(1, Int(number)), 100_000)
                    case "smoothLevels": settings.smoothLevels = min(max(2, Int(number)), 1 << 20)
                    case "smoothWeight": settings.smoothWeight = max(0, number)
                    case "ordinaryWeight": settings.ordinaryWeight = min(max(0, number), 1)
                    case "tailSharpness": settings.tailSharpness = min(max(0, number), 1000)
                    case "baselineWindow": settings.baselineWindow = min(max(1, Int(number)), 100_000)
                    case "alarm": settings.alarm = number
                    case "rangeMargin": settings.rangeMargin = max(0, number)
                    case "tableSize": settings.tableSize = max(2, min(1 << 26, Int(number)))
                    case "dayParts": settings.dayParts = min(max(1, Int(number)), 1440)
                    case "dailyWeight": settings.dailyWeight = max(0, number)
                    case "rhythm": settings.rhythm = number
                    case "memorySpan": settings.memorySpan = max(0, number)
                    default: throw unknownSetting(name)
                    }
                }
                return { [settings, range] series in
                    var fileSettings = settings
                    let probation = NABScorer.probationaryLength(series.values.count)
                    fileSettings.learning = probation
                    fileSettings.restPeriod = probation / 5
                    var detector = PatternNoveltyDetector(settings: fileSettings, range: range == .file ? Self.range(of: series.values) : nil)
                    return zip(series.values, series.times).map { detector.score($0, at: $1) }
                }
            }
        }

        static func range(of values: [Double]) -> ClosedRange<Double>? {
            let finite = values.filter(\.isFinite)
            guard let low = finite.min(), let high = finite.max() else { return nil }
            return low...high
        }

        func parse(_ assignment: String) throws -> (String, Double) {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let number = Double(parts[1]), number.isFinite, abs(number) <= 1e9 else {
                throw CLIFailure(message: "--setting \(assignment): write NAME=NUMBER, the number at most 1e9", code: Exit.invalidInput)
            }
            return (parts[0], number)
        }

        func unknownSetting(_ name: String) -> CLIFailure {
            CLIFailure(message: "--setting \(name): not a setting of the \(detector.rawValue) detector", code: Exit.invalidInput)
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
