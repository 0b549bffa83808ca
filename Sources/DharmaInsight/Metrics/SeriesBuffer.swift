/// Samples being collected in memory, per series, as compressed chunks of up to 120 samples.
/// Values that cannot be stored (NaN, infinity) and timestamps that do not move forward
/// (duplicates, out of order) are counted and dropped.
public struct SeriesBuffer: Sendable {
    public static let chunkSize = 120

    public private(set) var open: [SeriesKey: GorillaChunk] = [:]
    public private(set) var sealed: [(SeriesKey, GorillaChunk)] = []
    public private(set) var rejected = 0
    public private(set) var accepted = 0

    public init() {}

    public mutating func append(_ key: SeriesKey, _ sample: Sample) {
        guard sample.value.isFinite else { rejected += 1; return }
        var chunk = open[key] ?? GorillaChunk()
        if chunk.count > 0, sample.time <= chunk.lastTime { rejected += 1; return }
        chunk.append(time: sample.time, value: sample.value)
        accepted += 1
        if chunk.count >= Self.chunkSize {
            sealed.append((key, chunk))
            open[key] = nil
        } else {
            open[key] = chunk
        }
    }

    /// Sealed chunks, then the open ones; the buffer is empty afterwards.
    public mutating func drain() -> [(SeriesKey, GorillaChunk)] {
        let all = sealed + open.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        sealed = []
        open = [:]
        return all
    }

    /// Every buffered sample per series, for queries that must see what is not yet stored.
    public var samples: [SeriesKey: [Sample]] {
        var result: [SeriesKey: [Sample]] = [:]
        for (key, chunk) in sealed { result[key, default: []] += chunk.samples }
        for (key, chunk) in open { result[key, default: []] += chunk.samples }
        return result
    }
}

/// Raw samples rolled up into fixed steps with min, max, average and count.
public enum Downsampler {
    public struct Point: Sendable, Hashable {
        public var time: Int64
        public var min: Double
        public var max: Double
        public var average: Double
        public var count: Int
    }

    public static func rollup(_ samples: [Sample], step: Int64) -> [Point] {
        guard step > 0 else { return [] }
        var points: [Point] = []
        for sample in samples where sample.value.isFinite {
            let bucket = sample.time - ((sample.time % step) + step) % step
            if let last = points.last, last.time == bucket {
                let count = last.count + 1
                points[points.count - 1] = Point(
                    time: bucket, min: Swift.min(last.min, sample.value), max: Swift.max(last.max, sample.value),
                    average: last.average + (sample.value - last.average) / Double(count), count: count)
            } else {
                points.append(Point(time: bucket, min: sample.value, max: sample.value, average: sample.value, count: 1))
            }
        }
        return points
    }
}
