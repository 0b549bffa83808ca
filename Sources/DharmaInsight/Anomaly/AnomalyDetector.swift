import Foundation

/// A streaming anomaly detector: one value at a time, constant work per value.
///
/// Each value is compared with an exponentially weighted forecast of the series (mean and
/// variance), giving a prediction error. Like Numenta's anomaly likelihood, the detector then
/// asks how unusual the *recent* errors are given the errors of the longer past: the short
/// average of errors is compared with the mean and spread of errors over a long window, and
/// the Gaussian tail probability becomes the score. A value the detector cannot use (NaN,
/// infinity) leaves its state untouched and scores 0.
public struct AnomalyDetector: Sendable {
    public struct Settings: Sendable, Hashable {
        /// Weight of the newest value in the mean/variance forecast.
        public var forecastWeight: Double = 0.02
        /// Errors averaged into the recent error.
        public var shortWindow: Int = 3
        /// Errors that define normal.
        public var longWindow: Int = 400
        /// Values before scores are given (the likelihood needs a history).
        public var learning: Int = 150
        /// Tail probability that counts as an alarm; later scores are damped for `restPeriod`
        /// values, since one anomaly should raise one alarm.
        public var alarmTail: Double = 1e-3
        /// How strongly a value beyond everything seen so far counts (0 turns it off).
        public var novelty: Double = 100
        public var restPeriod: Int = 150

        public init() {}
    }

    public var settings: Settings
    private var mean = 0.0
    private var variance = 0.0
    private var count = 0
    private var errors: RingBuffer
    private var recent: RingBuffer
    private var sinceAlarm = Int.max
    /// The tail probability behind the last score (1 when nothing was unusual or during learning).
    public private(set) var lastTail = 1.0
    private var lowest = Double.infinity
    private var highest = -Double.infinity

    public init(settings: Settings = Settings()) {
        self.settings = settings
        errors = RingBuffer(capacity: settings.longWindow)
        recent = RingBuffer(capacity: settings.shortWindow)
    }

    public mutating func score(_ value: Double) -> Double {
        guard value.isFinite else { return 0 }
        count += 1
        if count == 1 {
            mean = value
            return 0
        }
        let deviation = value - mean
        let spread = sqrt(variance) + 1e-9 * max(1, abs(mean))
        let error = min(abs(deviation) / spread, 50)
        let weight = settings.forecastWeight
        mean += weight * deviation
        variance = (1 - weight) * (variance + weight * deviation * deviation)
        recent.append(error)
        var score = 0.0
        if count > settings.learning, errors.count > 10 {
            let spreadOfErrors = max(errors.standardDeviation, 1e-4)
            let z = (recent.mean - errors.mean) / spreadOfErrors
            var tail = Self.tail(z)
            // A value outside the whole range seen so far is unusual however noisy the series is.
            let range = max(highest - lowest, 1e-9 * max(1, abs(highest)))
            let beyond = max(value - highest, lowest - value, 0) / range
            if beyond > 0, settings.novelty > 0 { tail = min(tail, exp(-settings.novelty * beyond * 10)) }
            // −log10 of the tail keeps resolution where the likelihood is 0.9999…
            score = min(1, -log10(max(tail, 1e-300)) / 12)
            if sinceAlarm < settings.restPeriod {
                score *= Double(sinceAlarm) / Double(settings.restPeriod)
            }
            if tail < settings.alarmTail, sinceAlarm >= settings.restPeriod { sinceAlarm = 0 }
            lastTail = tail
        }
        if sinceAlarm < Int.max { sinceAlarm += 1 }
        errors.append(error)
        lowest = min(lowest, value)
        highest = max(highest, value)
        return score
    }

    /// P(Z > z) for a standard normal Z.
    static func tail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }
}
