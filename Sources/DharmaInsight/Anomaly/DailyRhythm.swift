/// How strongly a series repeats itself day by day, and which part of the day a time is in.
/// The pattern-novelty detector uses it to decide whether "this level at this hour" means
/// anything for a series: traffic and business metrics have a rhythm, most CPU series do not.
enum DailyRhythm {
    static let secondsPerDay: Int64 = 86_400

    /// The autocorrelation one day apart, less the (positive) autocorrelation half a day apart,
    /// from 0 (no rhythm) to about 1 (every day alike). The second term keeps a slow drift or a
    /// level shift, which correlates with itself at every lag, from passing for a rhythm.
    /// `times` are milliseconds since 1970; nil when the values do not cover more than a day or
    /// their spacing cannot be told.
    static func strength(values: [Double], times: [Int64]) -> Double? {
        guard values.count == times.count, values.count > 2, let step = SampleSpacing.typicalGap(times) else { return nil }
        let perDay = Int((Double(secondsPerDay * 1000) / Double(step)).rounded())
        guard perDay >= 2, perDay < values.count else { return nil }
        // M4's estimator divides every lag by n; scaled by n/(n - lag), a lag that is a large
        // part of the learning values is not penalised for having fewer pairs.
        func autocorrelation(_ lag: Int) -> Double {
            BenchmarkForecasts.autocorrelation(values, lag: lag) * Double(values.count) / Double(values.count - lag)
        }
        return autocorrelation(perDay) - max(0, autocorrelation(perDay / 2))
    }

    /// Which of `parts` equal parts of the UTC day `time` (milliseconds since 1970) falls in.
    static func part(of time: Int64, parts: Int) -> Int {
        let dayMilliseconds = secondsPerDay * 1000
        let intoDay = ((time % dayMilliseconds) + dayMilliseconds) % dayMilliseconds
        return Int(intoDay * Int64(max(1, parts)) / dayMilliseconds)
    }
}
