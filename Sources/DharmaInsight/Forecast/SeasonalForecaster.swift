import Foundation

/// Forecasts series with daily and weekly seasonality (hourly metrics) by choosing, per
/// series, among seasonal methods (seasonal naive and median profiles over 24 h and 168 h,
/// Naive2, and ETS selected by AICc) by their accuracy on a held-out stretch of the series'
/// own history, then averaging the best two. The test period is never looked at.
public struct SeasonalForecaster: Sendable {
    public struct Method: Sendable {
        public var name: String
        public var forecast: @Sendable ([Double], Int) -> [Double]
    }

    public var methods: [Method]
    /// How many of the best methods on the held-out stretch are averaged.
    public var combine: Int

    public init(periods: [Int] = [24, 168], combine: Int = 2) {
        var methods: [Method] = [
            Method(name: "naive2") { BenchmarkForecasts.naive2($0, horizon: $1, period: periods[0]) }
        ]
        for period in periods {
            methods.append(Method(name: "snaive\(period)") { BenchmarkForecasts.seasonalNaive($0, horizon: $1, period: period) })
            for cycles in [2, 3, 5] {
                methods.append(
                    Method(name: "median\(period)x\(cycles)") { Self.seasonalMedian($0, horizon: $1, period: period, cycles: cycles, levelled: false) })
                methods.append(
                    Method(name: "levelled\(period)x\(cycles)") { Self.seasonalMedian($0, horizon: $1, period: period, cycles: cycles, levelled: true) })
            }
        }
        methods.append(
            Method(name: "ets") { series, horizon in
                let smoothing = ExponentialSmoothing()
                return smoothing.fit(series).map { smoothing.forecast($0, horizon: horizon).mean } ?? BenchmarkForecasts.naive(series, horizon: horizon)
            })
        self.methods = methods
        self.combine = combine
    }

    public struct Choice: Sendable {
        public var forecast: [Double]
        public var methods: [String]
    }

    public func forecast(_ series: [Double], horizon: Int) -> Choice {
        let clean = series.filter(\.isFinite)
        guard clean.count > horizon * 3 else {
            return Choice(forecast: BenchmarkForecasts.naive(clean, horizon: horizon), methods: ["naive"])
        }
        let history = Array(clean.dropLast(horizon))
        let heldOut = Array(clean.suffix(horizon))
        let ranked = methods.map { method -> (Method, Double) in
            let guess = method.forecast(history, horizon)
            return (
                method,
                ForecastAccuracy.sMAPE(actual: heldOut, forecast: guess)
                    + 10 * ForecastAccuracy.MASE(insample: history, actual: heldOut, forecast: guess, period: 24)
            )
        }.sorted { $0.1 < $1.1 }
        let chosen = ranked.prefix(max(1, combine)).map(\.0)
        let forecasts = chosen.map { $0.forecast(clean, horizon) }
        let combined = (0..<horizon).map { step in forecasts.map { $0[step] }.reduce(0, +) / Double(forecasts.count) }
        return Choice(forecast: combined, methods: chosen.map(\.name))
    }

    /// The median of the last `cycles` seasons at each position; `levelled` scales it so the
    /// latest season's level matches.
    static func seasonalMedian(_ series: [Double], horizon: Int, period: Int, cycles: Int, levelled: Bool) -> [Double] {
        guard series.count >= period * cycles else { return BenchmarkForecasts.seasonalNaive(series, horizon: horizon, period: period) }
        let n = series.count
        var profile = [Double](repeating: 0, count: period)
        for position in 0..<period {
            var values: [Double] = []
            for cycle in 1...cycles { values.append(series[n - cycle * period + position]) }
            values.sort()
            profile[position] = values.count % 2 == 1 ? values[values.count / 2] : (values[values.count / 2 - 1] + values[values.count / 2]) / 2
        }
        var factor = 1.0
        if levelled {
            let window = min(24, period)
            let recent = series.suffix(window).reduce(0, +)
            let expected = profile.suffix(window).reduce(0, +)
            if expected > 0 { factor = max(0.5, min(2, recent / expected)) }
        }
        return (0..<horizon).map { profile[$0 % period] * factor }
    }
}
