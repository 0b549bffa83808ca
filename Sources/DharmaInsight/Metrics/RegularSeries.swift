/// A series put on a regular grid, as the forecasters need it: the step is the median gap
/// between samples, a step with several samples takes their mean, and a missing step repeats
/// the last value.
public struct RegularSeries: Sendable, Hashable {
    public var values: [Double]
    /// Milliseconds between values; 0 when there were too few samples to tell.
    public var step: Int64

    /// The grid stops at `limit` values, so a series with one far-off sample cannot make a
    /// grid that does not fit in memory.
    public init(_ samples: [Sample], limit: Int = 100_000) {
        guard samples.count > 1 else {
            self.values = samples.map(\.value)
            self.step = 0
            return
        }
        // Samples that share their times still make a grid, one millisecond apart.
        let step = SampleSpacing.typicalGap(samples.map(\.time)) ?? 1
        var values: [Double] = []
        var bucket = samples[0].time
        var index = 0
        var last = samples[0].value
        while bucket <= samples[samples.count - 1].time, values.count < limit {
            var sum = 0.0, count = 0.0
            while index < samples.count, samples[index].time < bucket + step {
                sum += samples[index].value
                count += 1
                index += 1
            }
            if count > 0 { last = sum / count }
            values.append(last)
            bucket += step
        }
        self.values = values
        self.step = step
    }
}
