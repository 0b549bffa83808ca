import Foundation

/// The M4 benchmark methods: Naive, seasonal naive, and Naive2 (naive on the series made
/// seasonally flat by classical multiplicative decomposition, when a seasonality test says so).
public enum BenchmarkForecasts {
    public static func naive(_ series: [Double], horizon: Int) -> [Double] {
        Array(repeating: series.last ?? 0, count: horizon)
    }

    public static func seasonalNaive(_ series: [Double], horizon: Int, period: Int) -> [Double] {
        guard series.count >= period else { return naive(series, horizon: horizon) }
        let lastSeason = Array(series.suffix(period))
        return (0..<horizon).map { lastSeason[$0 % period] }
    }

    public static func naive2(_ series: [Double], horizon: Int, period: Int) -> [Double] {
        guard isSeasonal(series, period: period) else { return naive(series, horizon: horizon) }
        let indices = seasonalIndices(series, period: period)
        let adjusted = zip(series, indices).map { $0 / $1 }
        let level = adjusted.last ?? 0
        let lastIndices = Array(indices.suffix(period))
        return (0..<horizon).map { level * lastIndices[$0 % period] }
    }

    /// Autocorrelation at `lag`.
    public static func autocorrelation(_ series: [Double], lag: Int) -> Double {
        let mean = series.reduce(0, +) / Double(series.count)
        var numerator = 0.0
        var denominator = 0.0
        for index in series.indices {
            let deviation = series[index] - mean
            denominator += deviation * deviation
            if index >= lag { numerator += deviation * (series[index - lag] - mean) }
        }
        return denominator == 0 ? 0 : numerator / denominator
    }

    /// M4's 90 % test: |r_m| above 1.645·√((1 + 2·Σ_{i<m} r_i²)/n).
    public static func isSeasonal(_ series: [Double], period: Int) -> Bool {
        guard period > 1, series.count >= 3 * period else { return false }
        let correlations = (1...period).map { autocorrelation(series, lag: $0) }
        let limit = 1.645 * ((1 + 2 * correlations.dropLast().map { $0 * $0 }.reduce(0, +)) / Double(series.count)).squareRoot()
        return abs(correlations[period - 1]) > limit
    }

    /// Classical multiplicative decomposition (as R's `decompose`): a centred moving average,
    /// the mean ratio per position in the season, normalised to average one. One index per observation.
    public static func seasonalIndices(_ series: [Double], period: Int) -> [Double] {
        let n = series.count
        var trend = [Double?](repeating: nil, count: n)
        let half = period / 2
        if period % 2 == 0 {
            for index in half..<(n - half) {
                var sum = 0.5 * series[index - half] + 0.5 * series[index + half]
                for offset in (index - half + 1)..<(index + half) { sum += series[offset] }
                trend[index] = sum / Double(period)
            }
        } else {
            for index in half..<(n - half) {
                trend[index] = series[(index - half)...(index + half)].reduce(0, +) / Double(period)
            }
        }
        var sums = [Double](repeating: 0, count: period)
        var counts = [Double](repeating: 0, count: period)
        for index in 0..<n {
            guard let level = trend[index], level != 0 else { continue }
            sums[index % period] += series[index] / level
            counts[index % period] += 1
        }
        var figure = zip(sums, counts).map { $1 > 0 ? $0 / $1 : 1 }
        let mean = figure.reduce(0, +) / Double(period)
        figure = figure.map { mean == 0 ? 1 : $0 / mean }
        return (0..<n).map { figure[$0 % period] }
    }
}
