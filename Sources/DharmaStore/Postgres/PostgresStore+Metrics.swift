import Foundation
import NIOCore
import PostgresNIO

extension PostgresStore: MetricsStore {
    public func appendMetricChunks(_ chunks: [StoredMetricChunk]) async throws {
        guard !chunks.isEmpty else { return }
        try await write { connection in try await self.insert(chunks, on: connection) }
    }

    public func metricChunks(name: String, resolution: MetricResolution, from: Int64, to: Int64) async throws -> [StoredMetricChunk] {
        try await chunks(
            """
            SELECT series, resolution, first_time, last_time, count, data FROM \(unescaped: table("metric_chunks"))
            WHERE resolution = \(resolution.rawValue) AND (series = \(name) OR series LIKE \(LikePattern.prefix(name) + "{%") ESCAPE '!')
              AND last_time >= \(from) AND first_time <= \(to) ORDER BY series, first_time
            """)
    }

    public func metricChunks(resolution: MetricResolution, endingBefore time: Int64) async throws -> [StoredMetricChunk] {
        try await chunks(
            """
            SELECT series, resolution, first_time, last_time, count, data FROM \(unescaped: table("metric_chunks"))
            WHERE resolution = \(resolution.rawValue) AND last_time < \(time) ORDER BY series, first_time
            """)
    }

    public func replaceMetricChunks(resolution: MetricResolution, endingBefore time: Int64, with replacements: [StoredMetricChunk]) async throws {
        try await write { connection in
            try await connection.query(
                "DELETE FROM \(unescaped: self.table("metric_chunks")) WHERE resolution = \(resolution.rawValue) AND last_time < \(time)",
                logger: PostgresPool.quiet)
            try await self.insert(replacements, on: connection)
        }
    }

    public func metricBytes() async throws -> MetricFootprint {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT COUNT(*), COALESCE(SUM(count), 0), COALESCE(SUM(octet_length(data)), 0) FROM \(unescaped: self.table("metric_chunks"))",
                logger: PostgresPool.quiet)
            for try await (chunks, samples, bytes) in rows.decode((Int, Int, Int).self) {
                return MetricFootprint(chunks: chunks, samples: samples, bytes: bytes)
            }
            return MetricFootprint(chunks: 0, samples: 0, bytes: 0)
        }
    }

    private func insert(_ chunks: [StoredMetricChunk], on connection: PostgresConnection) async throws {
        guard !chunks.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO \(unescaped: table("metric_chunks")) (series, resolution, first_time, last_time, count, data)
            SELECT * FROM unnest(\(chunks.map(\.series)), \(chunks.map(\.resolution.rawValue)), \(chunks.map(\.firstTime)), \(chunks.map(\.lastTime)),
              \(chunks.map { Int32(clamping: $0.count) }), \(chunks.map { ByteBuffer(bytes: $0.data) }))
            """, logger: PostgresPool.quiet)
    }

    private func chunks(_ query: PostgresQuery) async throws -> [StoredMetricChunk] {
        try await read { connection in
            var found: [StoredMetricChunk] = []
            for try await (series, resolution, firstTime, lastTime, count, data) in try await connection.query(query, logger: PostgresPool.quiet).decode(
                (String, String, Int64, Int64, Int, Data).self)
            {
                found.append(
                    StoredMetricChunk(
                        series: series, resolution: try StoredName.decode(resolution, in: "metric_chunks.resolution"), firstTime: firstTime,
                        lastTime: lastTime, count: count, data: Array(data)))
            }
            return found
        }
    }
}
