/// How often each short pattern of symbols has been seen, in a fixed-size table of hashed
/// counters: memory stays bounded however long the series runs. Two patterns that share a slot
/// count together, which can only make a pattern look less new than it is.
///
/// With `forgetAfter` set, memory fades: a pattern not seen for that many observations starts to
/// count as new again, and fully after twice as long, however often it was seen before.
struct PatternMemory: Sendable {
    private var counts: [UInt16]
    /// The observation at which each slot was last seen, wrapping at 2³²; empty when nothing is
    /// forgotten. A pattern last seen over 2³² observations ago may look fresh, never newer.
    private var lastSeen: [UInt32]
    private var now: UInt32 = 0
    private var recent: [Int]
    private let mask: Int
    let order: Int
    let forgetAfter: Int

    /// `slots` is rounded up to a power of two; `forgetAfter` is capped at 2³⁰ observations and
    /// 0 remembers forever.
    init(order: Int, slots: Int, forgetAfter: Int = 0) {
        self.order = max(1, order)
        self.forgetAfter = min(max(0, forgetAfter), 1 << 30)
        var size = 1
        while size < max(2, slots) { size <<= 1 }
        counts = Array(repeating: 0, count: size)
        lastSeen = self.forgetAfter > 0 ? Array(repeating: 0, count: size) : []
        mask = size - 1
        recent = []
        recent.reserveCapacity(self.order)
    }

    /// Records `symbol` after the symbols before it and returns how new it is, from 0 (every
    /// pattern ending here is familiar) to 1 (even the symbol alone was never seen). Each of the
    /// patterns of length 1…order ending here adds 1/order if unseen, less the more it was seen.
    mutating func observe(_ symbol: Int) -> Double {
        if recent.count == order { recent.removeFirst() }
        recent.append(symbol)
        now &+= 1
        var novelty = 0.0
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 1...recent.count {
            hash = Self.mix(hash ^ UInt64(bitPattern: Int64(recent[recent.count - length])) &* 0xBF58_476D_1CE4_E5B9)
            let slot = Int(truncatingIfNeeded: hash) & mask
            let seen = counts[slot]
            var newness = 1 / (1 + Double(seen))
            if forgetAfter > 0 {
                if seen > 0 { newness = max(newness, staleness(age: Int(now &- lastSeen[slot]))) }
                lastSeen[slot] = now
            }
            novelty += newness
            if seen < UInt16.max { counts[slot] = seen + 1 }
        }
        return novelty / Double(order)
    }

    /// How far a pattern last seen `age` observations ago is forgotten: 0 up to `forgetAfter`,
    /// rising evenly to 1 at twice that.
    private func staleness(age: Int) -> Double {
        min(1, max(0, Double(age - forgetAfter) / Double(forgetAfter)))
    }

    /// SplitMix64's finaliser: every input bit moves every output bit.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
