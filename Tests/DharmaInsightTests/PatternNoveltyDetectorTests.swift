import Foundation
import Testing

@testable import DharmaInsight

@Suite struct PatternMemoryTests {
    @Test func noveltyFallsAsPatternsRepeat() {
        var memory = PatternMemory(order: 2, slots: 1 << 12)
        #expect(memory.observe(1) == 0.5, "only one pattern (the symbol) exists yet, and it is new")
        #expect(memory.observe(2) == 1, "the symbol and the step 1→2 are both new")
        #expect(memory.observe(1) == 0.75, "the symbol was seen once (1/2), the step 2→1 is new (1)")
        #expect(memory.observe(2) == 0.5, "the symbol and the step were each seen once")
        for _ in 0..<50 { _ = memory.observe(1); _ = memory.observe(2) }
        #expect(memory.observe(1) < 0.05)
    }

    @Test func aPatternNotSeenForLongStartsToCountAsNewAgain() {
        var fading = PatternMemory(order: 1, slots: 1 << 12, forgetAfter: 100)
        var lasting = PatternMemory(order: 1, slots: 1 << 12)
        func away(_ steps: Int) { for _ in 0..<steps { _ = fading.observe(1); _ = lasting.observe(1) } }
        for _ in 0..<50 { _ = fading.observe(7); _ = lasting.observe(7) }
        away(99)
        #expect(fading.observe(7) == 1.0 / 51, "seen 50 times, last 100 observations ago: still familiar")
        away(149)
        #expect(fading.observe(7) == 0.5, "150 observations ago: half forgotten")
        away(199)
        #expect(fading.observe(7) == 1, "200 observations ago: as new as never seen")
        #expect(fading.observe(7) == 1.0 / 54, "and familiar again once seen")
        #expect(lasting.observe(7) < 0.02, "without forgetting, 53 sightings keep it familiar")
    }

    @Test func aTinyTableStaysBoundedAndOnlyMakesPatternsLookFamiliar() {
        var small = PatternMemory(order: 4, slots: 2)
        var large = PatternMemory(order: 4, slots: 1 << 16)
        for step in 0..<10_000 {
            let symbol = (step * 7919) % 13
            let cramped = small.observe(symbol)
            let roomy = large.observe(symbol)
            #expect(cramped <= roomy + 1e-12)
            #expect(cramped >= 0 && cramped <= 1)
        }
    }
}

@Suite struct PatternNoveltyDetectorTests {
    /// A daily-like wave with noise, inside 0...100.
    func wave(_ step: Int, _ generator: inout SplitMix) -> Double {
        50 + 10 * sin(Double(step) * 2 * .pi / 48) + Double(generator.next() % 100) / 100
    }

    func settings() -> PatternNoveltyDetector.Settings {
        var settings = PatternNoveltyDetector.Settings()
        settings.learning = 500
        settings.restPeriod = 100
        return settings
    }

    @Test func aValueAtANewLevelAlarmsOnceAndTheFamiliarWaveDoesNot() {
        var detector = PatternNoveltyDetector(settings: settings(), range: 0...100)
        var generator = SplitMix(seed: 3)
        var scores: [Double] = []
        for step in 0..<2500 { scores.append(detector.score(step == 2000 ? 97 : wave(step, &generator))) }
        #expect(scores[..<500].allSatisfy { $0 == 0 }, "nothing is scored while learning")
        #expect(scores[1000..<2000].allSatisfy { $0 < detector.settings.alarm }, "a familiar wave raises no alarm")
        #expect(scores[2000] >= detector.settings.alarm)
        #expect(scores[2001..<2100].allSatisfy { $0 == 0 }, "the alarm is not repeated during the rest period")
    }

    @Test func aChangeOfShapeWithinFamiliarLevelsIsTheMostUnusualThing() {
        // Both values are as ordinary as values get, so the new shape counts fully only when every
        // new step does.
        var everyStepCounts = settings()
        everyStepCounts.ordinaryWeight = 1
        var detector = PatternNoveltyDetector(settings: everyStepCounts, range: 0...70)
        // A square wave between 20 and 50 that holds each side for 10 values, then flips every value.
        let values = (0..<3000).map { step -> Double in
            let period = step < 2000 ? 20 : 2
            return step % period < period / 2 ? 20 : 50
        }
        let results = values.map { detector.score($0) }
        let peak = results.indices.max { results[$0] < results[$1] } ?? 0
        #expect((2000..<2012).contains(peak), "the highest score is where the shape changes, at \(peak)")
        #expect(results[peak] >= detector.settings.alarm)
        #expect(results[600..<2000].allSatisfy { $0 < 0.1 })
    }

    @Test func aNewStepInTheMiddleOfTheUsualSpreadCountsHalfAndOneBeyondItFully() {
        // A triangle over four levels; at 1999 it jumps from its bottom straight to its middle,
        // at 2600 beyond its top.
        let cycle: [Double] = [10, 30, 50, 70, 50, 30]
        let values = (0..<3000).map { step -> Double in
            step == 1999 ? 50 : (step == 2600 ? 80 : cycle[step % cycle.count])
        }
        var everyStepCounts = settings()
        everyStepCounts.ordinaryWeight = 1
        var weighed = PatternNoveltyDetector(settings: settings(), range: 0...80)
        var unweighed = PatternNoveltyDetector(settings: everyStepCounts, range: 0...80)
        let scores = values.map { weighed.score($0) }
        let unweighedScores = values.map { unweighed.score($0) }
        #expect(unweighedScores[1999] >= weighed.settings.alarm, "the step 10 → 50 was never made")
        #expect(abs(scores[1999] - 0.5 * unweighedScores[1999]) < 0.02, "50 is in the middle of the last 500 values")
        #expect(scores[1999] < weighed.settings.alarm)
        #expect(scores[2600] >= weighed.settings.alarm, "80 lies beyond them all")
        #expect(abs(scores[2600] - unweighedScores[2600]) < 0.02)
    }

    @Test func aReturnToAStateLeftLongAgoIsNewsAndWithoutForgettingItIsNot() {
        // Learning sees a square wave switch between 20 and 60 every 50 values, so both levels and
        // both steps are familiar. The series then holds 60 for 3,800 values, more than twice the
        // memory span of 6 × 200 values, and at 5000 drops back to 20.
        let values = (0..<5200).map { step -> Double in
            step < 1200 ? (step / 50 % 2 == 0 ? 20 : 60) : (step < 5000 ? 60 : 20)
        }
        var forgetting = settings()
        forgetting.learning = 200
        forgetting.restPeriod = 50
        var remembering = forgetting
        remembering.memorySpan = 0
        var fading = PatternNoveltyDetector(settings: forgetting, range: 0...100)
        var lasting = PatternNoveltyDetector(settings: remembering, range: 0...100)
        let faded = values.map { fading.score($0) }
        let kept = values.map { lasting.score($0) }
        #expect(faded[1300..<5000].allSatisfy { $0 < forgetting.alarm }, "holding one level raises no alarm")
        #expect(faded[5000] >= forgetting.alarm, "20 was last seen 3,800 values ago")
        #expect((kept[5000..<5200].max() ?? 1) < remembering.alarm, "the step 60 → 20 was seen 12 times while learning")
    }

    @Test func unusableValuesScoreZeroAndLeaveTheStateAlone() {
        var clean = PatternNoveltyDetector(settings: settings(), range: 0...100)
        var junk = PatternNoveltyDetector(settings: settings(), range: 0...100)
        var generator = SplitMix(seed: 11)
        for step in 0..<1500 {
            let value = step == 1200 ? 99 : wave(step, &generator)
            if step % 97 == 0 {
                #expect(junk.score(.nan) == 0 && junk.score(.infinity) == 0 && junk.score(-.infinity) == 0)
            }
            #expect(clean.score(value) == junk.score(value))
        }
    }

    @Test func valuesAtTheEdgeOfDoubleGiveFiniteScores() {
        var learnt = PatternNoveltyDetector(settings: settings())
        var given = PatternNoveltyDetector(settings: settings(), range: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
        for step in 0..<2000 {
            let value = step % 3 == 0 ? Double.greatestFiniteMagnitude : (step % 3 == 1 ? -Double.greatestFiniteMagnitude : 1)
            let scores = [learnt.score(value), given.score(value)]
            #expect(scores.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        }
    }

    @Test func aConstantSeriesNeverAlarmsUntilItMoves() {
        var detector = PatternNoveltyDetector(settings: settings())
        var scores = (0..<1000).map { _ in detector.score(4.2) }
        #expect(scores.allSatisfy { $0 == 0 })
        scores.append(detector.score(4.3))
        #expect(scores.last ?? 0 >= detector.settings.alarm, "any other value is a new level of a range of width 0")
        #expect(scores.allSatisfy { $0.isFinite })
    }

    @Test func withoutARangeTheLearningPeriodSetsItAndBeyondItIsNew() {
        var detector = PatternNoveltyDetector(settings: settings())
        var generator = SplitMix(seed: 5)
        var scores: [Double] = []
        for step in 0..<2000 { scores.append(detector.score(step == 1500 ? 200 : wave(step, &generator))) }
        #expect(scores[..<500].allSatisfy { $0 == 0 })
        #expect(scores[800..<1500].allSatisfy { $0 < detector.settings.alarm })
        #expect(scores[1500] >= detector.settings.alarm, "200 lies beyond the learned range of about 40...61")
    }
}
