import DharmaInsight
import Foundation

/// What the console's metric explorer draws for a query: each selected series as stored, the
/// band its forecast expects next, and the samples the anomaly detector alarmed on.
public struct MetricExploration: Sendable {
    public struct Series: Sendable {
        public var key: SeriesKey
        public var samples: [Sample]
        /// The forecast past the last sample, on its own grid; nil with too few samples to fit.
        public var forecast: ForecastBand?
        public var alarms: [SeriesAlarms.Alarm]
    }

    public struct ForecastBand: Sendable {
        public var model: String
        /// Milliseconds: the first forecast point's time and the spacing of the rest.
        public var start: Int64
        public var step: Int64
        public var mean: [Double]
        /// The 80 % prediction interval.
        public var lower: [Double]
        public var upper: [Double]
    }

    /// The query's result, as `dharma metrics query` prints it.
    public var rows: [MetricQuery.Row]
    public var series: [Series]
    /// Series the query matched beyond the ones drawn.
    public var omitted: Int
    /// Milliseconds: the window the query read.
    public var from: Int64
    public var to: Int64

    /// The forecast is fitted on at most this many points (the window averaged into coarser
    /// buckets), so a week of 15-second samples costs what a few hundred do.
    static let fittedPoints = 400

    /// A band a quarter of the window long past the last sample, from the ETS model AICc picks.
    public static func band(_ samples: [Sample], window: Int64) -> ForecastBand? {
        let grid = RegularSeries(samples)
        guard grid.values.count >= 8, grid.step > 0, let last = samples.last else { return nil }
        let factor = max(1, (grid.values.count + fittedPoints - 1) / fittedPoints)
        let values = stride(from: 0, to: grid.values.count, by: factor).map { start in
            let bucket = grid.values[start..<min(start + factor, grid.values.count)]
            return bucket.reduce(0, +) / Double(bucket.count)
        }
        let step = grid.step * Int64(factor)
        let smoothing = ExponentialSmoothing()
        guard values.count >= 8, let model = smoothing.fit(values) else { return nil }
        let horizon = min(100, max(1, Int(window / 4 / step)))
        let forecast = smoothing.forecast(model, horizon: horizon)
        return ForecastBand(model: model.name, start: last.time + step, step: step, mean: forecast.mean, lower: forecast.lower, upper: forecast.upper)
    }
}

extension MetricsService {
    /// At most `limit` series are drawn (with their forecast and anomalies); the rows cover all.
    public func explore(_ text: String, since: String, limit: Int = 6, _ location: StackSelector) async throws(ServiceError) -> MetricExploration {
        let window = Int64(try Self.duration(since, option: "since") * 1000)
        let to = Int64(Date().timeIntervalSince1970 * 1000)
        let (parsed, series) = try await read(text, since: since, until: nil, location)
        let keys = series.keys.sorted { $0.description < $1.description }
        var settings = PatternNoveltyDetector.Settings()
        settings.restPeriod = settings.learning
        let drawn = keys.prefix(limit).map { key in
            let samples = series[key] ?? []
            return MetricExploration.Series(
                key: key, samples: samples, forecast: MetricExploration.band(samples, window: window),
                alarms: SeriesAlarms.alarms(in: samples, settings: settings, memory: 7 * 86_400, range: nil))
        }
        return MetricExploration(rows: parsed.evaluate(series), series: drawn, omitted: max(0, keys.count - limit), from: to - window, to: to)
    }
}
