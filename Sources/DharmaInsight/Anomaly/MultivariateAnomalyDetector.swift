import Foundation

/// Several series of one resource (CPU, memory, latency, errors) watched together: each has its
/// own streaming detector, and the resource's score is how unlikely the *most* unusual series
/// is, corrected for looking at several (Bonferroni: the smallest tail probability times the
/// number of series), so more series do not mean more false alarms.
public struct MultivariateAnomalyDetector: Sendable {
    public private(set) var names: [String]
    private var detectors: [AnomalyDetector]

    public init(series names: [String], settings: AnomalyDetector.Settings = .init()) {
        self.names = names
        detectors = names.map { _ in AnomalyDetector(settings: settings) }
    }

    public struct Score: Sendable {
        public var score: Double
        /// The series that contributed most.
        public var mostUnusual: String?
    }

    /// One value per series, in the order of `names`; a missing (NaN) value is skipped.
    public mutating func score(_ values: [Double]) -> Score {
        var smallest = 1.0
        var culprit: String?
        var used = 0
        for index in detectors.indices where index < values.count {
            guard values[index].isFinite else { continue }
            let single = detectors[index].score(values[index])
            used += 1
            let tail = single == 0 ? 1 : detectors[index].lastTail
            if tail < smallest { smallest = tail; culprit = names[index] }
        }
        guard used > 0 else { return Score(score: 0, mostUnusual: nil) }
        let corrected = min(1, smallest * Double(used))
        return Score(score: min(1, -log10(max(corrected, 1e-300)) / 12), mostUnusual: corrected < 1 ? culprit : nil)
    }
}
