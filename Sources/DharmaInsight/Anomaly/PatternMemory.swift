/// How often each short pattern of symbols has been seen, in a fixed-size table of hashed
/// counters: memory stays bounded however long the series runs. Two patterns that share a slot
/// count together, which can only make a pattern look less new than it is.
struct PatternMemory: Sendable {
    private var counts: [UInt16]
    private var recent: [Int]
    private let mask: Int
    let order: Int

    /// `slots` is rounded up to a power of two.
    init(order: Int, slots: Int) {
        self.order = max(1, order)
        var size = 1
        while size < max(2, slots) { size <<= 1 }
        counts = Array(repeating: 0, count: size)
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
        var novelty = 0.0
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 1...recent.count {
            hash = Self.mix(hash ^ UInt64(bitPattern: Int64(recent[recent.count - length])) &* 0xBF58_476D_1CE4_E5B9)
            let slot = Int(truncatingIfNeeded: hash) & mask
            let seen = counts[slot]
            novelty += 1 / (1 + Double(seen))
            if seen < UInt16.max { counts[slot] = seen + 1 }
        }
        return novelty / Double(order)
    }

    /// SplitMix64's finaliser: every input bit moves every output bit.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
