import Testing

@testable import DharmaInsight

@Suite struct DailyRhythmTests {
    static let fiveMinutes: Int64 = 300_000
    static let hour: Int64 = 3_600_000

    /// Busy from 08:00 to 20:00 UTC, quiet at night, with a little noise; one value per 5 minutes.
    static func dayAndNight(days: Int, seed: UInt64 = 7) -> (values: [Double], times: [Int64]) {
        var generator = SplitMix(seed: seed)
        let times = (0..<(days * 288)).map { Int64($0) * fiveMinutes }
        let values = times.map { time -> Double in
            let hour = Int(time % (24 * Self.hour) / Self.hour)
            return ((8..<20).contains(hour) ? 64 : 21) + Double(generator.next() % 300) / 100 - 1.5
        }
        return (values, times)
    }

    @Test func aDayAndNightSeriesHasARhythmAndADriftOrNoiseHasNone() throws {
        let daily = Self.dayAndNight(days: 3)
        #expect(try #require(DailyRhythm.strength(values: daily.values, times: daily.times)) > 0.8)

        // A level shift correlates with itself one day apart as much as half a day apart.
        var generator = SplitMix(seed: 1)
        let shifted = daily.times.indices.map { ($0 < 432 ? 10 : 60) + Double(generator.next() % 100) / 100 }
        #expect(try #require(DailyRhythm.strength(values: shifted, times: daily.times)) < 0.5)
        let noise = daily.times.map { _ in Double(generator.next() % 1000) }
        #expect(abs(try #require(DailyRhythm.strength(values: noise, times: daily.times))) < 0.3)
    }

    @Test func lessThanADayOrNoSpacingGivesNoAnswer() {
        let daily = Self.dayAndNight(days: 3)
        #expect(DailyRhythm.strength(values: Array(daily.values.prefix(200)), times: Array(daily.times.prefix(200))) == nil)
        #expect(DailyRhythm.strength(values: daily.values, times: daily.times.map { _ in 0 }) == nil)
        #expect(DailyRhythm.strength(values: [1, 2], times: [0]) == nil)
        #expect(DailyRhythm.strength(values: daily.values.map { _ in 5 }, times: daily.times) == 0, "a constant has no rhythm")
    }

    @Test func partsOfTheDayAreCountedInUTCFromMidnight() {
        #expect(DailyRhythm.part(of: 0, parts: 8) == 0)
        #expect(DailyRhythm.part(of: 3 * Self.hour, parts: 8) == 1)
        #expect(DailyRhythm.part(of: 24 * Self.hour - 1, parts: 8) == 7)
        #expect(DailyRhythm.part(of: 24 * Self.hour * 400 + 13 * Self.hour, parts: 8) == 4)
        #expect(DailyRhythm.part(of: -1, parts: 8) == 7, "the last millisecond before 1970 is late in its day")
        #expect(DailyRhythm.part(of: .min, parts: 8) >= 0 && DailyRhythm.part(of: .max, parts: 8) < 8)
    }

    @Test func aFamiliarLevelAtAnUnusualHourAlarmsOnlyWhenTheDetectorKnowsTheTime() {
        var settings = PatternNoveltyDetector.Settings()
        settings.learning = 4 * 288
        settings.restPeriod = 100
        // Six days; on the sixth, two hours at the night level from noon: an outage at lunch.
        var series = Self.dayAndNight(days: 6)
        let outage = 5 * 288 + 12 * 12
        for index in outage..<(outage + 24) { series.values[index] -= 43 }

        var timed = PatternNoveltyDetector(settings: settings, range: 0...100)
        var untimed = PatternNoveltyDetector(settings: settings, range: 0...100)
        let withTime = zip(series.values, series.times).map { timed.score($0, at: $1) }
        let without = series.values.map { untimed.score($0) }
        #expect(timed.hasDailyRhythm && !untimed.hasDailyRhythm)
        #expect(withTime[outage..<(outage + 3)].contains { $0 >= settings.alarm }, "the night level at noon is new")
        #expect(without[outage..<(outage + 24)].allSatisfy { $0 < settings.alarm }, "the same drop happens every evening")
        #expect(withTime[settings.learning..<outage].allSatisfy { $0 < settings.alarm }, "ordinary days raise no alarm")
    }

    @Test func aSeriesWithoutARhythmScoresTheSameWithOrWithoutTimes() {
        var settings = PatternNoveltyDetector.Settings()
        settings.learning = 600
        var generator = SplitMix(seed: 9)
        let values = (0..<3000).map { step -> Double in step == 2500 ? 95 : 40 + Double(generator.next() % 500) / 100 }
        var timed = PatternNoveltyDetector(settings: settings, range: 0...100)
        var untimed = PatternNoveltyDetector(settings: settings, range: 0...100)
        for (step, value) in values.enumerated() {
            #expect(timed.score(value, at: Int64(step) * Self.fiveMinutes) == untimed.score(value))
        }
        #expect(!timed.hasDailyRhythm)
    }
}
