import Foundation

/// The Numenta Anomaly Benchmark's scoring, reimplemented from its documented rules: labelled
/// windows, a probationary period, a scaled sigmoid that rewards early detection, one global
/// threshold per profile chosen to maximise the corpus score, and normalisation between the
/// null detector (0) and the perfect one (100).
public enum NABScorer {
    public struct Profile: Sendable, Hashable {
        public var name: String
        public var truePositive: Double
        public var falseNegative: Double
        public var falsePositive: Double

        public static let standard = Profile(name: "standard", truePositive: 1, falseNegative: 1, falsePositive: 0.11)
        public static let rewardLowFP = Profile(name: "reward_low_FP_rate", truePositive: 1, falseNegative: 1, falsePositive: 0.22)
        public static let rewardLowFN = Profile(name: "reward_low_FN_rate", truePositive: 1, falseNegative: 2, falsePositive: 0.11)
        public static let all = [standard, rewardLowFP, rewardLowFN]
    }

    /// One data file: its anomaly scores per row and its windows as row ranges (inclusive).
    public struct File: Sendable {
        public var name: String
        public var scores: [Double]
        public var windows: [ClosedRange<Int>]

        public init(name: String, scores: [Double], windows: [ClosedRange<Int>]) {
            self.name = name
            self.scores = scores
            self.windows = windows
        }
    }

    public struct Result: Sendable {
        public var profile: Profile
        public var threshold: Double
        public var raw: Double
        public var nullRaw: Double
        public var perfectRaw: Double
        public var normalised: Double { perfectRaw == nullRaw ? 0 : 100 * (raw - nullRaw) / (perfectRaw - nullRaw) }
    }

    /// `2 / (1 + e^(5y)) − 1`, and −1 beyond three window widths.
    public static func scaledSigmoid(_ y: Double) -> Double {
        y > 3 ? -1 : 2 / (1 + exp(5 * y)) - 1
    }

    /// The first rows a detector may learn from: 15 % of the file, at most 750.
    public static func probationaryLength(_ rows: Int) -> Int {
        Int(min((0.15 * Double(rows)).rounded(.down), 0.15 * 5000))
    }

    /// A scored row: its detector score, its value if detected, and its window (if any).
    struct Point {
        var score: Double
        var weighted: Double
        var window: Int?
    }

    /// Rows after the probationary period, each with the value it would earn if it were a
    /// detection (the sigmoid of its position in or after a window).
    static func points(_ file: File, profile: Profile, windowOffset: Int) -> ([Point], Set<Int>) {
        let probation = probationaryLength(file.scores.count)
        // Windows that begin inside the probationary period are not scored.
        var file = file
        file.windows = file.windows.filter { $0.lowerBound >= probation }
        let maxTP = scaledSigmoid(-1)
        var points: [Point] = []
        points.reserveCapacity(max(0, file.scores.count - probation))
        var windowsSeen: Set<Int> = []
        var nextWindow = 0
        var current: Int?
        var previous: (right: Int, width: Double)?
        for row in file.scores.indices {
            if current == nil, nextWindow < file.windows.count, file.windows[nextWindow].lowerBound == row {
                current = nextWindow
                nextWindow += 1
            }
            let weighted: Double
            if let index = current {
                let window = file.windows[index]
                let width = Double(window.upperBound - window.lowerBound + 1)
                let position = -Double(window.upperBound - row + 1) / width
                weighted = scaledSigmoid(position) * profile.truePositive / maxTP
            } else if let previous {
                let past = Double(abs(previous.right - row)) / (previous.width - 1)
                weighted = scaledSigmoid(past) * profile.falsePositive
            } else {
                weighted = -1 * profile.falsePositive
            }
            if row >= probation {
                let window = current.map { $0 + windowOffset }
                if let window { windowsSeen.insert(window) }
                points.append(Point(score: file.scores[row], weighted: weighted, window: window))
            }
            if let index = current, file.windows[index].upperBound == row {
                let window = file.windows[index]
                previous = (row, Double(window.upperBound - window.lowerBound + 1))
                current = nil
            }
        }
        return (points, windowsSeen)
    }

    /// The corpus score for a profile at the threshold that maximises it.
    public static func score(_ files: [File], profile: Profile) -> Result {
        var points: [Point] = []
        var windows: Set<Int> = []
        var offset = 0
        for file in files {
            let (filePoints, fileWindows) = Self.points(file, profile: profile, windowOffset: offset)
            points += filePoints
            windows.formUnion(fileWindows)
            offset += file.windows.count
        }
        // Sweep the threshold down through every distinct score: a row becomes a detection
        // once the threshold is at or below its score.
        points.sort { $0.score > $1.score }
        var windowValue: [Int: Double] = [:]
        var falsePositives = 0.0
        let nullRaw = -profile.falseNegative * Double(windows.count)
        var best = (raw: nullRaw, threshold: 1.0 + 1e-9)
        var tpSum = 0.0
        var index = 0
        while index < points.count {
            let threshold = points[index].score
            while index < points.count, points[index].score == threshold {
                let point = points[index]
                if let window = point.window {
                    if let value = windowValue[window] {
                        if point.weighted > value { tpSum += point.weighted - value; windowValue[window] = point.weighted }
                    } else {
                        windowValue[window] = point.weighted
                        tpSum += point.weighted + profile.falseNegative
                    }
                } else {
                    falsePositives += point.weighted
                }
                index += 1
            }
            let raw = nullRaw + tpSum + falsePositives
            if raw > best.raw { best = (raw, threshold) }
        }
        return Result(
            profile: profile, threshold: best.threshold, raw: best.raw, nullRaw: nullRaw,
            perfectRaw: profile.truePositive * Double(windows.count))
    }
}
