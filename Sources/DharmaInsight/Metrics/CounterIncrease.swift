/// How much a counter grew over a span of time, as Prometheus's `increase` reads it without
/// extrapolation: from the last sample at or before the span's start (or its first sample
/// inside, for a series that began later) to its last sample, where a drop means the counting
/// process restarted and counts from zero again.
public enum CounterIncrease {
    /// `samples` in time order.
    public static func over(_ samples: [Sample], from: Int64, to: Int64) -> Double {
        let inside = samples.filter { $0.time > from && $0.time <= to }
        guard let baseline = samples.last(where: { $0.time <= from }) ?? inside.first else { return 0 }
        var previous = baseline.value
        var total = 0.0
        for sample in inside where sample.time > baseline.time {
            total += sample.value >= previous ? sample.value - previous : sample.value
            previous = sample.value
        }
        return total
    }
}
