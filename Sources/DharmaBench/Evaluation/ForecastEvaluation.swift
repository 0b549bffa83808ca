import DharmaInsight

/// Forecasts the M4 hourly series and scores them as M4 does: sMAPE, MASE with m = 24, and OWA
/// against Naive2; the benchmark methods in the same run.
public enum ForecastEvaluation {
    public struct Method: Sendable {
        public var name: String
        public var sMAPE: Double
        public var MASE: Double
        public var OWA: Double
    }

    public struct Result: Sendable {
        public var series: Int
        public var horizon: Int
        public var seconds: Double
        /// Naive, sNaive, Naive2, ETS and dharma, in that order.
        public var methods: [Method]
        /// How often the forecaster chose each of its methods.
        public var chosen: [String: Int]
    }

    public static func m4(_ dataset: M4Dataset, horizon: Int = 48) -> Result {
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
        let count = Double(max(1, dataset.train.count))
        let means = totals.mapValues { ($0.smape / count, $0.mase / count) }
        let naive2 = means["Naive2"] ?? (1, 1)
        let methods = ["Naive", "sNaive", "Naive2", "ETS", "dharma"].compactMap { name in
            means[name].map {
                Method(name: name, sMAPE: $0.0, MASE: $0.1, OWA: ForecastAccuracy.OWA(sMAPE: $0.0, MASE: $0.1, naive2SMAPE: naive2.0, naive2MASE: naive2.1))
            }
        }
        return Result(
            series: dataset.train.count, horizon: horizon,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, methods: methods, chosen: chosen)
    }

    public struct RollingCPU: Sendable {
        public var series: Int
        public var origins: Int
        public var sMAPE: Double
        /// The daily seasonal naive (288 five-minute steps).
        public var seasonalNaiveSMAPE: Double
    }

    /// NAB's realAWSCloudwatch CPU series from rolling origins every 6 hours over the second
    /// half of each, one hour ahead.
    public static func rollingCPU(_ corpus: NABCorpus) -> RollingCPU {
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
        return RollingCPU(series: cpu.count, origins: origins, sMAPE: ours / Double(max(1, origins)), seasonalNaiveSMAPE: seasonal / Double(max(1, origins)))
    }
}
