import DharmaTestKit
import Foundation
import Testing

@testable import DharmaInsight

/// Rows of an M4 file: quoted fields, id first, trailing empty fields.
func m4(_ name: String) throws -> [[Double]] {
    let text = try String(contentsOfFile: TestPaths.sharedData + "/m4-hourly/" + name, encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { row in
        row.split(separator: ",", omittingEmptySubsequences: false).dropFirst().compactMap { Double($0.replacingOccurrences(of: "\"", with: "")) }
    }
}

@Suite struct ForecastTests {
    @Test func measuresMatchHandComputedValues() {
        #expect(abs(ForecastAccuracy.sMAPE(actual: [100, 200], forecast: [110, 180]) - 100 * (10.0 / 210 + 20.0 / 380)) < 1e-12)
        // In-sample seasonal-naive error with m = 2: |3−1|, |4−2|, |5−3| → 2; forecast errors 1 and 3 → MAE 2; MASE 1.
        #expect(abs(ForecastAccuracy.MASE(insample: [1, 2, 3, 4, 5], actual: [6, 7], forecast: [5, 10], period: 2) - 1) < 1e-12)
        #expect(abs(ForecastAccuracy.OWA(sMAPE: 18.094, MASE: 2.385, naive2SMAPE: 18.383, naive2MASE: 2.395) - 0.99005) < 1e-4)
    }

    @Test func naive2DeseasonalisesOnlyWhenTheSeasonalityTestPasses() {
        let seasonal = (0..<240).map { 100 + 50 * sin(Double($0) * 2 * .pi / 24) }
        #expect(BenchmarkForecasts.isSeasonal(seasonal, period: 24))
        let forecast = BenchmarkForecasts.naive2(seasonal, horizon: 24, period: 24)
        #expect(ForecastAccuracy.sMAPE(actual: Array(seasonal.suffix(24)), forecast: forecast) < 2)
        let flat = (0..<240).map { 100 + Double($0 % 7 == 0 ? 1 : 0) * 0.001 }
        #expect(!BenchmarkForecasts.isSeasonal(flat, period: 24))
        #expect(BenchmarkForecasts.naive2(flat, horizon: 3, period: 24) == [flat.last ?? 0, flat.last ?? 0, flat.last ?? 0])
    }

    @Test func naiveAndSeasonalNaiveReproduceThePublishedM4HourlyScores() throws {
        let train = try m4("Hourly-train.csv")
        let test = try m4("Hourly-test.csv")
        #expect(train.count == 414 && test.count == 414)
        func mean(_ method: ([Double]) -> [Double], _ measure: ([Double], [Double], [Double]) -> Double) -> Double {
            zip(train, test).map { measure($0, $1, method($0)) }.reduce(0, +) / Double(train.count)
        }
        let smape = { (_: [Double], actual: [Double], forecast: [Double]) in ForecastAccuracy.sMAPE(actual: actual, forecast: forecast) }
        let mase = { (insample: [Double], actual: [Double], forecast: [Double]) in
            ForecastAccuracy.MASE(insample: insample, actual: actual, forecast: forecast, period: 24)
        }
        let naive = { (series: [Double]) in BenchmarkForecasts.naive(series, horizon: 48) }
        let seasonal = { (series: [Double]) in BenchmarkForecasts.seasonalNaive(series, horizon: 48, period: 24) }
        let naive2 = { (series: [Double]) in BenchmarkForecasts.naive2(series, horizon: 48, period: 24) }
        #expect(abs(mean(naive, smape) - 43.003) < 0.0005 && abs(mean(naive, mase) - 11.608) < 0.0005)
        #expect(abs(mean(seasonal, smape) - 13.912) < 0.0005 && abs(mean(seasonal, mase) - 1.193) < 0.0005)
        #expect(abs(mean(naive2, smape) - 18.383) < 0.0005 && abs(mean(naive2, mase) - 2.395) < 0.0005)
    }

    @Test func theForecasterPicksOnItsOwnHistoryAndBeatsSeasonalNaiveOnAWeeklyPattern() {
        // A weekly pattern (weekends low) plus noise: the daily seasonal naive is wrong on weekdays after a weekend.
        var generator = SplitMix(seed: 3)
        let series = (0..<(24 * 7 * 6)).map { hour -> Double in
            let weekend = (hour / 24) % 7 >= 5
            return (weekend ? 40 : 100) + 20 * sin(Double(hour % 24) * 2 * .pi / 24) + Double(generator.next() % 100) / 50
        }
        let history = Array(series.dropLast(48))
        let actual = Array(series.suffix(48))
        let choice = SeasonalForecaster().forecast(history, horizon: 48)
        let ours = ForecastAccuracy.sMAPE(actual: actual, forecast: choice.forecast)
        let seasonal = ForecastAccuracy.sMAPE(actual: actual, forecast: BenchmarkForecasts.seasonalNaive(history, horizon: 48, period: 24))
        #expect(ours < seasonal / 2, "ours \(ours), seasonal naive \(seasonal), chose \(choice.methods)")
        #expect(choice.methods.allSatisfy { $0.contains("168") }, "\(choice.methods)")
    }
}
