/// Where a value stands among the last `capacity` values: how far out in their tails it lies.
///
/// Values are kept as fine bins of a range (values beyond it share the end bins), with a Fenwick
/// tree over the bin counts, so a value's rank costs O(log bins) however long the window is.
/// Two values in one bin count as a tie.
struct RankWindow: Sendable {
    private var ring: [Int32]
    private var next = 0
    private(set) var count = 0
    /// `tree[i]` holds the count of a run of bins ending at bin i − 1 (Fenwick's layout).
    private var tree: [Int32]
    private var counts: [Int32]

    init(capacity: Int, bins: Int) {
        ring = Array(repeating: 0, count: max(1, capacity))
        counts = Array(repeating: 0, count: max(1, bins))
        tree = Array(repeating: 0, count: max(1, bins) + 1)
    }

    var bins: Int { counts.count }

    /// The share of the remembered values lying as far out as `bin` on its side, ties counted
    /// half: 0 beyond every one of them, 0.5 at their median; nil while none is remembered.
    func tail(_ bin: Int) -> Double? {
        guard count > 0 else { return nil }
        let bin = clamped(bin)
        let below = Int(prefix(bin))
        let equal = Int(counts[bin])
        let above = count - below - equal
        return (Double(min(below, above)) + Double(equal) / 2) / Double(count)
    }

    /// Remembers a value's bin, forgetting the oldest once the window is full.
    mutating func append(_ bin: Int) {
        let bin = clamped(bin)
        if count == ring.count {
            add(-1, at: Int(ring[next]))
        } else {
            count += 1
        }
        ring[next] = Int32(bin)
        add(1, at: bin)
        next = (next + 1) % ring.count
    }

    private func clamped(_ bin: Int) -> Int { min(counts.count - 1, max(0, bin)) }

    /// How many remembered values lie in bins below `bin`.
    private func prefix(_ bin: Int) -> Int32 {
        var total: Int32 = 0
        var index = bin
        while index > 0 {
            total += tree[index]
            index -= index & -index
        }
        return total
    }

    private mutating func add(_ delta: Int32, at bin: Int) {
        counts[bin] += delta
        var index = bin + 1
        while index < tree.count {
            tree[index] += delta
            index += index & -index
        }
    }
}
