import DharmaInsight
import DharmaStore
import Foundation

/// The metrics kept in the state database: compressed chunks per series.
struct MetricsDatabase {
    var store: SQLiteStore

    static func open(_ path: String) throws -> MetricsDatabase {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            return MetricsDatabase(store: try SQLiteStore(path: path))
        } catch {
            throw CLIFailure(message: "cannot open the metrics database \(path): \(error)", code: Exit.failure)
        }
    }

    func write(_ buffer: inout SeriesBuffer) async throws {
        let chunks = buffer.drain().map { key, chunk in
            StoredMetricChunk(series: key.description, firstTime: chunk.firstTime, lastTime: chunk.lastTime, count: chunk.count, data: chunk.bytes)
        }
        try await store.appendMetricChunks(chunks)
    }

    /// Samples of the series the query selects, within [from, to], in time order.
    func read(_ query: MetricQuery, from: Int64, to: Int64) async throws -> [SeriesKey: [Sample]] {
        var series: [SeriesKey: [Sample]] = [:]
        let resolution = query.name.contains(":5m_") ? "5m" : query.name.contains(":1h_") ? "1h" : "raw"
        for chunk in try await store.metricChunks(name: query.name, resolution: resolution, from: from, to: to) {
            guard let key = Self.key(chunk.series), query.matches(key) else { continue }
            series[key, default: []] += GorillaChunk.decode(bytes: chunk.data, count: chunk.count).filter { $0.time >= from && $0.time <= to }
        }
        return series.mapValues { samples in
            // Chunks written at different times can interleave; keep one sample per time.
            var seen = Set<Int64>()
            return samples.sorted { $0.time < $1.time }.filter { seen.insert($0.time).inserted }
        }
    }

    static func key(_ text: String) -> SeriesKey? {
        PrometheusText.parse(text + " 0").0.first?.key
    }
}
