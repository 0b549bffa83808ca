import Foundation

/// A streaming detector that asks whether the recent *pattern* of values is new.
///
/// Values are cut into a few equal levels of their range. The detector remembers every short run
/// of levels it has seen (up to `order` values long) and scores a value by how new the runs ending
/// at it are: a level never reached before scores 1, a familiar level reached by an unfamiliar
/// step a little less, a run seen a hundred times nearly 0. A second, slow channel does the same
/// on the moving average, so a shift hidden in the noise of single values is still seen. A new
/// pattern counts fully only at a value far out among the last `learning` values: a restless
/// series makes new steps in the middle of its usual spread all the time, and those count half.
/// The novelty a series produces all the time is subtracted, so a restless series earns less for each
/// new pattern, and after an alarm the detector keeps quiet for `restPeriod` values, since one
/// anomaly should raise one alarm.
///
/// When values come with their times and the learning values show a daily rhythm, a third
/// channel remembers which levels each part of the day has: a familiar level at an unusual hour
/// (a dip at rush hour, a jump that did not come) is new there.
///
/// Memory fades: a pattern not seen for several learning periods counts as new again, so a series
/// returning to what it did long ago (a machine back at the temperature of its last failure) is
/// seen.
///
/// Coarse levels are the point: noise stays inside a level, so only a change of shape makes a
/// pattern new. Work per value is constant; memory is bounded by `tableSize` and the ranks of the
/// last `learning` values (at most 2^20), plus the learning values while they are learnt from (to
/// set the range and to test for a daily rhythm).
public struct PatternNoveltyDetector: Sendable {
    public struct Settings: Sendable, Hashable {
        /// Equal levels the range is cut into.
        public var levels = 8
        /// Longest run of levels remembered.
        public var order = 6
        /// Values averaged into the slow channel, the levels it is cut into, and its weight.
        public var smoothing = 12
        public var smoothLevels = 16
        public var smoothWeight = 0.8
        /// The weight of a new pattern at the median of the last `learning` values; it rises to 1
        /// beyond all of them, the faster the higher `tailSharpness` (see `tailWeight`).
        public var ordinaryWeight = 0.5
        public var tailSharpness = 8.0
        /// Values over which the series' usual novelty is measured, to be subtracted.
        public var baselineWindow = 500
        /// A score at or above this is an alarm; scores are muted for `restPeriod` values after one.
        public var alarm = 0.75
        public var restPeriod = 150
        /// Values learnt from before anything is scored; with no range given, the range is theirs,
        /// widened by `rangeMargin` of its width on each side.
        public var learning = 150
        public var rangeMargin = 0.5
        /// Counter slots per channel (six bytes each: a count and when it was last seen).
        public var tableSize = 1 << 18
        /// How long the fast and slow channels remember, in learning periods: a pattern not seen
        /// for `memorySpan` × `learning` values starts to count as new again, fully after twice
        /// as long. A state a series left long ago (a temperature back at its old failure level)
        /// is news when it returns. 0 remembers forever.
        public var memorySpan = 6.0
        /// The daily channel: parts the day is cut into, its weight, and the rhythm strength
        /// (see `DailyRhythm`) the learning values must show for it to count.
        public var dayParts = 8
        public var dailyWeight = 1.0
        public var rhythm = 0.5

        public init() {}
    }

    public let settings: Settings
    private var range: ClosedRange<Double>?
    private var held: [(value: Double, time: Int64?)] = []
    private var fast: PatternMemory
    private var slow: PatternMemory
    private var daily: PatternMemory
    private var learnt: (values: [Double], times: [Int64]) = ([], [])
    /// Whether the daily channel counts: decided when learning ends.
    public private(set) var hasDailyRhythm = false
    private var recent: RingBuffer
    private var ranks: RankWindow
    private var usual: RingBuffer
    private var count = 0
    private var sinceAlarm = Int.max

    /// `range` is where values are expected to lie (a CPU percentage: 0...100; NAB gives every
    /// detector its file's minimum and maximum). Without one, the first `learning` values set it.
    public init(settings: Settings = Settings(), range: ClosedRange<Double>? = nil) {
        self.settings = settings
        self.range = range
        let forgetAfter = Int(min(Double(1 << 30), max(0, settings.memorySpan * Double(max(1, settings.learning)))))
        fast = PatternMemory(order: settings.order, slots: settings.tableSize, forgetAfter: forgetAfter)
        slow = PatternMemory(order: settings.order, slots: settings.tableSize, forgetAfter: forgetAfter)
        daily = PatternMemory(order: 1, slots: 1 << 12)
        recent = RingBuffer(capacity: settings.smoothing)
        ranks = RankWindow(capacity: min(settings.learning, 1 << 20), bins: 1024)
        usual = RingBuffer(capacity: settings.baselineWindow)
    }

    /// The anomaly score of the next value, in 0...1; `time` (milliseconds since 1970) lets the
    /// daily channel work. A value that is not finite scores 0 and leaves the state untouched.
    public mutating func score(_ value: Double, at time: Int64? = nil) -> Double {
        guard value.isFinite else { return 0 }
        guard let range else { return learnRange(value, at: time) }
        count += 1
        recent.append(value)
        let fastLevel = level(value, levels: settings.levels, in: range)
        let bin = level(value, levels: ranks.bins + 1, in: range)
        let weight = tailWeight(bin)
        ranks.append(bin)
        var novelty =
            weight
            * max(
                fast.observe(fastLevel),
                settings.smoothWeight * slow.observe(level(recent.mean, levels: settings.smoothLevels, in: range)))
        if let time { novelty = max(novelty, observeDaily(value, level: fastLevel, at: time)) }
        if count == settings.learning {
            hasDailyRhythm = (DailyRhythm.strength(values: learnt.values, times: learnt.times) ?? 0) >= settings.rhythm
            learnt = ([], [])
        }
        let surprise = max(0, novelty - usual.mean)
        usual.append(novelty)
        guard count > settings.learning else { return 0 }
        let muted = sinceAlarm < settings.restPeriod
        if sinceAlarm < Int.max { sinceAlarm += 1 }
        if surprise >= settings.alarm { sinceAlarm = 0 }
        return muted ? 0 : min(1, surprise)
    }

    /// How much a new pattern at a value in `bin` counts: `ordinaryWeight` at the median of the
    /// remembered values, rising as (1 − 2·tail)^`tailSharpness` toward 1 beyond all of them.
    /// A handful of values says nothing about tails, so until there are 10 every value counts fully.
    private func tailWeight(_ bin: Int) -> Double {
        guard ranks.count >= 10, let tail = ranks.tail(bin) else { return 1 }
        let ordinary = settings.ordinaryWeight
        return ordinary + (1 - ordinary) * pow(max(0, 1 - 2 * tail), settings.tailSharpness)
    }

    /// How new `level` is at this part of the day, weighted; 0 until learning has shown a daily
    /// rhythm. Remembered from the first value on, so the channel knows the learning days once
    /// it counts.
    private mutating func observeDaily(_ value: Double, level: Int, at time: Int64) -> Double {
        let part = DailyRhythm.part(of: time, parts: settings.dayParts)
        let novelty = daily.observe(part &* 1_000_003 &+ level)
        if count <= settings.learning {
            learnt.values.append(value)
            learnt.times.append(time)
        }
        return hasDailyRhythm ? settings.dailyWeight * novelty : 0
    }

    /// Holds values back until there are enough to set the range, then replays them so the
    /// patterns they form are remembered too.
    private mutating func learnRange(_ value: Double, at time: Int64?) -> Double {
        held.append((value, time))
        guard held.count >= max(2, settings.learning) else { return 0 }
        let values = held.map(\.value)
        guard let low = values.min(), let high = values.max() else { return 0 }
        let margin = (high - low) * settings.rangeMargin
        range = (low - margin)...(high + margin)
        let replay = held
        held = []
        var last = 0.0
        for (value, time) in replay { last = score(value, at: time) }
        return last
    }

    /// Which of `levels` equal steps across `range` the value falls in; values outside the range
    /// get levels of their own beyond either end.
    private func level(_ value: Double, levels: Int, in range: ClosedRange<Double>) -> Int {
        let width = range.upperBound - range.lowerBound
        guard width > 0 else { return value == range.lowerBound ? 0 : (value > range.lowerBound ? 1 : -1) }
        let position = (value - range.lowerBound) / width * Double(max(1, levels - 1))
        return Int(min(1e6, max(-1e6, position)).rounded(.down))
    }
}
