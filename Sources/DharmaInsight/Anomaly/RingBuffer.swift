/// A fixed-size window of numbers with their running sum and sum of squares.
struct RingBuffer: Sendable {
    private var values: [Double]
    private var next = 0
    private(set) var count = 0
    private var sum = 0.0
    private var squares = 0.0

    init(capacity: Int) { values = Array(repeating: 0, count: max(1, capacity)) }

    mutating func append(_ value: Double) {
        if count == values.count {
            let old = values[next]
            sum -= old
            squares -= old * old
        } else {
            count += 1
        }
        values[next] = value
        sum += value
        squares += value * value
        next = (next + 1) % values.count
    }

    var mean: Double { count == 0 ? 0 : sum / Double(count) }

    var standardDeviation: Double {
        guard count > 1 else { return 0 }
        let mean = self.mean
        return max(0, squares / Double(count) - mean * mean).squareRoot()
    }
}
