import DharmaInsight
import DharmaStore

/// The metrics of a state database as series of samples: what is written is compressed into
/// Gorilla chunks, what is read is decoded, filtered by the query's labels and merged.
public struct MetricsRepository: Sendable {
    public var store: any MetricsStore

    public init(store: any MetricsStore) {
        self.store = store
    }

    /// Stores what the buffer holds and empties it.
    public func write(_ buffer: inout SeriesBuffer) async throws {
        let chunks = buffer.drain().map { key, chunk in
            StoredMetricChunk(series: key.description, firstTime: chunk.firstTime, lastTime: chunk.lastTime, count: chunk.count, data: chunk.bytes)
        }
        try await store.appendMetricChunks(chunks)
    }

    /// Samples of the series the query selects, within [from, to], in time order. A rollup
    /// series (`cpu:5m_avg`) is read from the rollups of its resolution.
    public func read(_ query: MetricQuery, from: Int64, to: Int64) async throws -> [SeriesKey: [Sample]] {
        var series: [SeriesKey: [Sample]] = [:]
        for chunk in try await store.metricChunks(name: query.name, resolution: MetricsRetention.resolution(ofSeries: query.name), from: from, to: to) {
            guard let key = Self.key(chunk.series), query.matches(key) else { continue }
            series[key, default: []] += GorillaChunk.decode(bytes: chunk.data, count: chunk.count).filter { $0.time >= from && $0.time <= to }
        }
        return series.mapValues { samples in
            // Chunks written at different times can interleave; keep one sample per time.
            var seen = Set<Int64>()
            return samples.sorted { $0.time < $1.time }.filter { seen.insert($0.time).inserted }
        }
    }

    /// A series' canonical text read back as its key.
    public static func key(_ text: String) -> SeriesKey? {
        PrometheusText.parse(text + " 0").0.first?.key
    }
}
