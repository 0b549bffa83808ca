/// Runs the pattern-novelty detector over a stored series in time order, as it would have run
/// live, and keeps the samples whose score reaches its alarm level.
public enum SeriesAlarms {
    public struct Alarm: Sendable, Hashable {
        public var time: Int64
        public var value: Double
        public var score: Double

        public init(time: Int64, value: Double, score: Double) {
            self.time = time
            self.value = value
            self.score = score
        }
    }

    /// A pattern not seen for `memory` seconds (0: never forgotten) starts to count as new
    /// again, fully after twice as long.
    public static func alarms(
        in samples: [Sample], settings: PatternNoveltyDetector.Settings, memory: Double,
        range: ClosedRange<Double>?
    ) -> [Alarm] {
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
    public static func memorySpan(seconds: Double, of samples: [Sample], learning: Int) -> Double? {
        guard let gap = SampleSpacing.typicalGap(samples.map(\.time)) else { return nil }
        return seconds * 1000 / Double(gap) / Double(max(1, learning))
    }
}
