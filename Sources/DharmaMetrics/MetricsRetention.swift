import DharmaInsight
import DharmaStore

/// How long samples are kept, and at what resolution: raw samples older than `raw` become
/// 5-minute and 1-hour rollups (series `NAME:5m_min`, `_max`, `_avg`, `_count`, and the same for
/// `1h`, with the same labels); 5-minute rollups older than `fiveMinutes` and 1-hour rollups
/// older than `hour` are dropped. Each step replaces what it reads in one transaction.
public struct MetricsRetention: Sendable {
    static let day: Int64 = 86_400_000

    /// Milliseconds each resolution is kept.
    public var raw: Int64 = 2 * day
    public var fiveMinutes: Int64 = 30 * day
    public var hour: Int64 = 365 * day

    public init() {}

    /// What one compaction did.
    public struct Outcome: Sendable, Hashable {
        /// Raw chunks rolled up, of how many series, into how many rollup chunks.
        public var rawChunks: Int
        public var series: Int
        public var rollupChunks: Int
    }

    public func compact(_ store: any MetricsStore, now: Int64) async throws -> Outcome {
        let old = try await store.metricChunks(resolution: .raw, endingBefore: now - raw)
        var bySeries: [String: [Sample]] = [:]
        for chunk in old { bySeries[chunk.series, default: []] += GorillaChunk.decode(bytes: chunk.data, count: chunk.count) }
        var rollups: [StoredMetricChunk] = []
        for (series, samples) in bySeries {
            guard let key = MetricsRepository.key(series) else { continue }
            let ordered = samples.sorted { $0.time < $1.time }
            for (resolution, step) in [(MetricResolution.fiveMinutes, Int64(300_000)), (.hour, Int64(3_600_000))] {
                let points = Downsampler.rollup(ordered, step: step)
                let parts: [(String, (Downsampler.Point) -> Double)] = [
                    ("min", { $0.min }), ("max", { $0.max }), ("avg", { $0.average }),
                    ("count", { Double($0.count) }),
                ]
                for (suffix, value) in parts {
                    var chunk = GorillaChunk()
                    for point in points { chunk.append(time: point.time, value: value(point)) }
                    rollups.append(
                        StoredMetricChunk(
                            series: SeriesKey(name: key.name + ":\(resolution.rawValue)_\(suffix)", labels: key.labels).description,
                            resolution: resolution, firstTime: chunk.firstTime, lastTime: chunk.lastTime,
                            count: chunk.count, data: chunk.bytes))
                }
            }
        }
        try await store.replaceMetricChunks(resolution: .raw, endingBefore: now - raw, with: rollups)
        try await store.replaceMetricChunks(resolution: .fiveMinutes, endingBefore: now - fiveMinutes, with: [])
        try await store.replaceMetricChunks(resolution: .hour, endingBefore: now - hour, with: [])
        return Outcome(rawChunks: old.count, series: bySeries.count, rollupChunks: rollups.count)
    }

    /// Where a series name's samples are kept: rollup names carry their resolution.
    public static func resolution(ofSeries name: String) -> MetricResolution {
        name.contains(":5m_") ? .fiveMinutes : name.contains(":1h_") ? .hour : .raw
    }
}
