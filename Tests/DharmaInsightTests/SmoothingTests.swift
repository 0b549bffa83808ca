import Foundation
import Testing

@testable import DharmaInsight

@Suite struct SmoothingTests {
    @Test func aicChoosesTrendForATrendAndSeasonalityForASeason() throws {
        var generator = SplitMix(seed: 21)
        let noise = { (generator: inout SplitMix) in Double(generator.next() % 1000) / 1000 - 0.5 }
        let trending = (0..<200).map { 10 + 0.5 * Double($0) + noise(&generator) }
        let trend = try #require(ExponentialSmoothing().fit(trending, period: 1))
        #expect(trend.trend != .none, "\(trend.name)")
        let forecast = ExponentialSmoothing().forecast(trend, horizon: 10)
        #expect(abs(forecast.mean[9] - (10 + 0.5 * 209)) < 3, "\(forecast.mean[9])")
        #expect(zip(forecast.lower, forecast.upper).allSatisfy { $0 < $1 })
        let seasonal = (0..<(24 * 20)).map { 50 + 10 * sin(Double($0) * 2 * .pi / 24) + noise(&generator) }
        #expect(ExponentialSmoothing.detectPeriod(seasonal) == 24)
        let model = try #require(ExponentialSmoothing().fit(seasonal))
        #expect(model.period == 24, "\(model.name)")
        let next = ExponentialSmoothing().forecast(model, horizon: 24).mean
        #expect(ForecastAccuracy.sMAPE(actual: (480..<504).map { 50 + 10 * sin(Double($0) * 2 * .pi / 24) }, forecast: next) < 3)
    }

    @Test func multiplicativeSeasonalityIsChosenWhenTheSwingGrowsWithTheLevel() throws {
        var generator = SplitMix(seed: 13)
        // Level grows from 100 to about 400 while the daily swing stays ±30 % of the level.
        let series = (0..<(24 * 25)).map { hour -> Double in
            let level = 100 + 0.5 * Double(hour)
            let noise = 1 + (Double(generator.next() % 1000) / 1000 - 0.5) * 0.02
            return level * (1 + 0.3 * sin(Double(hour) * 2 * .pi / 24)) * noise
        }
        let model = try #require(ExponentialSmoothing().fit(series))
        #expect(model.seasonality == .multiplicative && model.trend != .none, "\(model.name)")
        let additive = try #require(
            ExponentialSmoothing().fit(Array(series.dropLast(24)), error: .additive, trend: .additive, seasonality: .additive, period: 24))
        let multiplicative = try #require(
            ExponentialSmoothing().fit(
                Array(series.dropLast(24)), error: .multiplicative, trend: .additive,
                seasonality: .multiplicative, period: 24))
        let actual = Array(series.suffix(24))
        let additiveError = ForecastAccuracy.sMAPE(actual: actual, forecast: ExponentialSmoothing().forecast(additive, horizon: 24).mean)
        let multiplicativeError = ForecastAccuracy.sMAPE(actual: actual, forecast: ExponentialSmoothing().forecast(multiplicative, horizon: 24).mean)
        #expect(multiplicativeError < additiveError, "M \(multiplicativeError) vs A \(additiveError)")
        #expect(ExponentialSmoothing().fit([-1, 2, -3, 4, -5, 6, -7, 8, -9, 10])?.error == .additive, "negative data gets additive models only")
    }

    @Test func timeToExhaustionFindsWhenADiskFills() throws {
        var generator = SplitMix(seed: 5)
        // 50 % used and growing 0.25 % an hour: after 100 hours at 74.75 %, full about 101 hours later.
        var disk: [Double] = []
        for hour in 0..<100 {
            let noise = Double(generator.next() % 100) / 1000
            disk.append(50 + 0.25 * Double(hour) + noise)
        }
        let exhaustion = try #require(CapacityForecaster.timeToExhaustion(disk, capacity: 100))
        #expect(abs(exhaustion.steps - 101) < 10, "\(exhaustion)")
        #expect(exhaustion.earliest <= exhaustion.steps && (exhaustion.latest ?? .infinity) >= exhaustion.steps)
        #expect(CapacityForecaster.timeToExhaustion(Array(repeating: 10, count: 50), capacity: 100) == nil, "a flat series never fills")
    }

    @Test func monthEndSpendAndTheBudgetAlert() throws {
        var generator = SplitMix(seed: 8)
        let daily = (0..<40).map { _ in 10 + Double(generator.next() % 100) / 100 - 0.5 }
        let forecast = try #require(CapacityForecaster.monthEnd(daily: daily, daysThisMonth: 10, daysInMonth: 30, budget: 250))
        #expect(abs(forecast.total - 300) < 10, "\(forecast)")
        #expect(forecast.lower < forecast.total && forecast.total < forecast.upper)
        #expect(forecast.overBudget == true)
        #expect(try #require(CapacityForecaster.monthEnd(daily: daily, daysThisMonth: 10, daysInMonth: 30, budget: 400)).overBudget == false)
    }

    @Test func multivariateDetectionNamesTheSeriesThatMoved() {
        var detector = MultivariateAnomalyDetector(series: ["cpu", "memory", "latency"])
        var generator = SplitMix(seed: 2)
        var last = MultivariateAnomalyDetector.Score(score: 0, mostUnusual: nil)
        var quiet: [Double] = []
        for step in 0..<1200 {
            let noise = { Double(generator.next() % 100) / 100 }
            let latency = step == 1100 ? 500 : 20 + noise()
            last = detector.score([40 + noise(), 1000 + noise(), latency])
            if step == 1100 { break }
            if step > 300 { quiet.append(last.score) }
        }
        #expect(last.mostUnusual == "latency" && last.score > 0.9)
        #expect((quiet.max() ?? 1) < last.score)
    }

    /// Eight minutes of a volume filling by about 25 MiB a minute: a trend model must be chosen
    /// and reach 1 GiB about 33 steps on. (The level used to start at the mean of the first
    /// points, half-way up the trend; no trend model then beat the flat one, and the forecast
    /// never filled the disk.)
    @Test func aShortCleanTrendIsForecastToExhaustion() throws {
        let used: [Double] = [24, 49, 75, 99, 124, 150, 174, 199].map { $0 * 1_048_576 }
        let exhaustion = try #require(CapacityForecaster.timeToExhaustion(used, capacity: Double(1 << 30), maximumSteps: 1440))
        #expect(exhaustion.model.hasPrefix("ETS(A,A") || exhaustion.model.hasPrefix("ETS(M,A"), "\(exhaustion.model)")
        #expect((31...35).contains(exhaustion.steps), "\(exhaustion.steps)")
    }
}
