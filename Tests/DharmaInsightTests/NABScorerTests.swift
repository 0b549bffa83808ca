import Foundation
import Testing

@testable import DharmaInsight

@Suite struct NABScorerTests {
    /// 1,000 rows, one window of 100 rows at 500…599; the first 150 rows are probationary.
    let window = 500...599

    func file(_ scores: [Int: Double]) -> NABScorer.File {
        var values = [Double](repeating: 0, count: 1000)
        for (row, score) in scores { values[row] = score }
        return NABScorer.File(name: "f", scores: values, windows: [window])
    }

    @Test func perfectDetectorScoresHundredAndNullScoresZero() {
        for profile in NABScorer.Profile.all {
            #expect(abs(NABScorer.score([file([500: 1])], profile: profile).normalised - 100) < 1e-9)
            #expect(abs(NABScorer.score([file([:])], profile: profile).normalised) < 1e-9)
        }
    }

    @Test func oneDetectionInsideTheWindowEarnsTheScaledSigmoidOfItsPosition() {
        // Row 525: position −(599 − 525 + 1)/100 = −0.75; value σ(−0.75)/σ(−1) with σ(y) = 2/(1+e^{5y}) − 1.
        let sigma = { (y: Double) in 2 / (1 + exp(5 * y)) - 1 }
        let value = sigma(-0.75) / sigma(-1)
        let result = NABScorer.score([file([525: 1])], profile: .standard)
        #expect(abs(result.raw - value) < 1e-12)
        #expect(abs(result.normalised - 100 * (value + 1) / 2) < 1e-9)
        #expect(abs(NABScorer.scaledSigmoid(-1) - 0.9866) < 1e-4 && abs(NABScorer.scaledSigmoid(-0.5) - 0.8483) < 1e-4)
    }

    @Test func onlyTheEarliestDetectionCountsAndFalsePositivesCostByProfile() {
        let early = NABScorer.score([file([500: 1, 550: 1])], profile: .standard)
        #expect(abs(early.raw - 1) < 1e-12, "a second detection in the window adds nothing")
        // A detection long before any window is worth −A_FP; the threshold search keeps it only if it helps.
        let withNoise = NABScorer.score([file([300: 1, 500: 1])], profile: .standard)
        #expect(abs(withNoise.raw - (1 - 0.11)) < 1e-12)
        let lowFP = NABScorer.score([file([300: 1, 500: 1])], profile: .rewardLowFP)
        #expect(abs(lowFP.raw - (1 - 0.22)) < 1e-12)
        // The probationary period is not scored: a detection there costs nothing.
        #expect(NABScorer.probationaryLength(1000) == 150 && NABScorer.probationaryLength(100_000) == 750)
        let probation = NABScorer.score([file([100: 1, 500: 1])], profile: .standard)
        #expect(abs(probation.raw - 1) < 1e-12)
    }

    @Test func thresholdIsChosenOverTheWholeCorpus() {
        // File a's detection scores 0.9, file b's false positive 0.95: the best single threshold
        // takes a's detection and b's false positive together (0.9) rather than neither.
        var a = file([500: 0.9])
        a.name = "a"
        var b = file([300: 0.95])
        b.name = "b"
        let result = NABScorer.score([a, b], profile: .standard)
        #expect(abs(result.threshold - 0.9) < 1e-12)
        #expect(abs(result.raw - (1 - 0.11 - 1)) < 1e-12, "b's window is missed either way")
    }
}

@Suite struct AnomalyDetectorTests {
    @Test func aSpikeAfterQuietNoiseScoresHighAndOnce() {
        var detector = AnomalyDetector()
        var generator = SplitMix(seed: 7)
        var scores: [Double] = []
        for index in 0..<2000 {
            let noise = Double(generator.next() % 1000) / 1000 - 0.5
            scores.append(detector.score(index == 1500 ? 40 : 10 + noise))
        }
        let peak = scores.indices.max { scores[$0] < scores[$1] } ?? 0
        #expect(peak == 1500)
        #expect(scores[1500] > 0.9)
        #expect(scores[1000..<1500].allSatisfy { $0 < scores[1500] / 2 })
        #expect(scores[1501..<1510].allSatisfy { $0 < scores[1500] }, "the alarm is not repeated at once")
    }

    @Test func unusableValuesLeaveTheStateAloneAndScoreZero() {
        var detector = AnomalyDetector()
        for _ in 0..<500 { _ = detector.score(1) }
        #expect(detector.score(.nan) == 0 && detector.score(.infinity) == 0)
        #expect(detector.score(1) < 0.1, "a constant series stays normal after junk")
    }
}

/// A small deterministic generator, so tests do not depend on the system's randomness.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
