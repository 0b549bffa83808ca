import DharmaInsight
import Foundation

/// Scores an anomaly detector on the Numenta Anomaly Benchmark as NAB does: windows,
/// probationary period, scaled sigmoid, one global threshold per profile, normalised between
/// the null detector (0) and the perfect one (100).
public struct AnomalyEvaluation: Sendable {
    public enum Detector: String, Sendable, CaseIterable {
        case pattern, likelihood
    }

    /// Where the pattern detector's value range comes from: each file's minimum and maximum,
    /// as NAB's runner gives every detector, or only the probationary period's values.
    public enum RangeSource: String, Sendable, CaseIterable {
        case file, learned
    }

    public var detector: Detector
    public var range: RangeSource
    /// Detector settings by name, for experiments.
    public var settings: [(name: String, value: Double)]

    public init(detector: Detector = .pattern, range: RangeSource = .file, settings: [(name: String, value: Double)] = []) {
        self.detector = detector
        self.range = range
        self.settings = settings
    }

    public struct Result: Sendable {
        public var files: Int
        public var points: Int
        public var seconds: Double
        public var profiles: [NABScorer.Result]
    }

    /// Runs over the corpus; `scores` sees each file's scores (for NAB's results layout).
    public func run(_ corpus: NABCorpus, scores: (NABCorpus.Series, [Double]) throws -> Void = { _, _ in }) throws -> Result {
        let score = try scorer()
        let start = ContinuousClock.now
        var files: [NABScorer.File] = []
        var points = 0
        for series in corpus.series {
            let values = score(series)
            points += values.count
            files.append(NABScorer.File(name: series.name, scores: values, windows: series.windows))
            try scores(series, values)
        }
        let elapsed = ContinuousClock.now - start
        return Result(
            files: files.count, points: points, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            profiles: NABScorer.Profile.all.map { NABScorer.score(files, profile: $0) })
    }

    /// `NAME=NUMBER`, the number at most 1e9.
    public static func setting(_ assignment: String) throws -> (name: String, value: Double) {
        let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let number = Double(parts[1]), number.isFinite, abs(number) <= 1e9 else {
            throw BenchmarkError("--setting \(assignment): write NAME=NUMBER, the number at most 1e9")
        }
        return (parts[0], number)
    }

    /// The chosen detector, set up per file the way NAB's runner sets up each detector.
    func scorer() throws -> @Sendable (NABCorpus.Series) -> [Double] {
        switch detector {
        case .likelihood:
            var settings = AnomalyDetector.Settings()
            for (name, number) in self.settings {
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
            for (name, number) in self.settings {
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

    func unknownSetting(_ name: String) -> BenchmarkError {
        BenchmarkError("--setting \(name): not a setting of the \(detector.rawValue) detector")
    }

    /// One series' scores in NAB's results layout (`timestamp,value,anomaly_score,label`), under
    /// `directory/dharma/CATEGORY/dharma_FILE`, for NAB's own scorer.
    public static func writeResults(_ series: NABCorpus.Series, scores: [Double], to directory: String) throws {
        let category = (series.name as NSString).deletingLastPathComponent
        let file = (series.name as NSString).lastPathComponent
        let folder = directory + "/dharma/" + category
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var inWindow = [Bool](repeating: false, count: scores.count)
        for window in series.windows { for row in window where row < inWindow.count { inWindow[row] = true } }
        var text = "timestamp,value,anomaly_score,label\n"
        for row in scores.indices {
            text += "\(series.timestamps[row]),\(series.values[row]),\(scores[row]),\(inWindow[row] ? 1 : 0)\n"
        }
        try text.write(toFile: folder + "/dharma_" + file, atomically: true, encoding: .utf8)
    }
}
