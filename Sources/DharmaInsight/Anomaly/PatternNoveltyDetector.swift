import Foundation

/// A streaming detector that asks whether the recent *pattern* of values is new.
///
/// Values are cut into a few equal levels of their range. The detector remembers every short run
/// of levels it has seen (up to `order` values long) and scores a value by how new the runs ending
/// at it are: a level never reached before scores 1, a familiar level reached by an unfamiliar
/// step a little less, a run seen a hundred times nearly 0. A second, slow channel does the same
/// on the moving average, so a shift hidden in the noise of single values is still seen. The
/// novelty a series produces all the time is subtracted, so a restless series earns less for each
/// new pattern, and after an alarm the detector keeps quiet for `restPeriod` values, since one
/// anomaly should raise one alarm.
///
/// Coarse levels are the point: noise stays inside a level, so only a change of shape makes a
/// pattern new. Work per value is constant and memory is bounded by `tableSize`.
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
        /// Values over which the series' usual novelty is measured, to be subtracted.
        public var baselineWindow = 500
        /// A score at or above this is an alarm; scores are muted for `restPeriod` values after one.
        public var alarm = 0.75
        public var restPeriod = 150
        /// Values learnt from before anything is scored; with no range given, the range is theirs,
        /// widened by `rangeMargin` of its width on each side.
        public var learning = 150
        public var rangeMargin = 0.5
        /// Counter slots per channel (two bytes each).
        public var tableSize = 1 << 18

        public init() {}
    }

    public let settings: Settings
    private var range: ClosedRange<Double>?
    private var held: [Double] = []
    private var fast: PatternMemory
    private var slow: PatternMemory
    private var recent: RingBuffer
    private var usual: RingBuffer
    private var count = 0
    private var sinceAlarm = Int.max

    /// `range` is where values are expected to lie (a CPU percentage: 0...100; NAB gives every
    /// detector its file's minimum and maximum). Without one, the first `learning` values set it.
    public init(settings: Settings = Settings(), range: ClosedRange<Double>? = nil) {
        self.settings = settings
        self.range = range
        fast = PatternMemory(order: settings.order, slots: settings.tableSize)
        slow = PatternMemory(order: settings.order, slots: settings.tableSize)
        recent = RingBuffer(capacity: settings.smoothing)
        usual = RingBuffer(capacity: settings.baselineWindow)
    }

    /// The anomaly score of the next value, in 0...1. A value that is not finite scores 0 and
    /// leaves the state untouched.
    public mutating func score(_ value: Double) -> Double {
        guard value.isFinite else { return 0 }
        guard let range else { return learnRange(value) }
        count += 1
        recent.append(value)
        let novelty = max(fast.observe(level(value, levels: settings.levels, in: range)),
                          settings.smoothWeight * slow.observe(level(recent.mean, levels: settings.smoothLevels, in: range)))
        let surprise = max(0, novelty - usual.mean)
        usual.append(novelty)
        guard count > settings.learning else { return 0 }
        let muted = sinceAlarm < settings.restPeriod
        if sinceAlarm < Int.max { sinceAlarm += 1 }
        if surprise >= settings.alarm { sinceAlarm = 0 }
        return muted ? 0 : min(1, surprise)
    }

    /// Holds values back until there are enough to set the range, then replays them so the
    /// patterns they form are remembered too.
    private mutating func learnRange(_ value: Double) -> Double {
        held.append(value)
        guard held.count >= max(2, settings.learning), let low = held.min(), let high = held.max() else { return 0 }
        let margin = (high - low) * settings.rangeMargin
        range = (low - margin)...(high + margin)
        let replay = held
        held = []
        var last = 0.0
        for value in replay { last = score(value) }
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
