import Foundation
import GRDB

extension SQLiteStore: MetricsStore {
    public func appendMetricChunks(_ chunks: [StoredMetricChunk]) async throws {
        try await database.write { db in
            let insert = try db.cachedStatement(
                sql: "INSERT INTO metric_chunks (series, resolution, first_time, last_time, count, data) VALUES (?, ?, ?, ?, ?, ?)")
            for chunk in chunks {
                try insert.execute(arguments: [chunk.series, chunk.resolution.rawValue, chunk.firstTime, chunk.lastTime, chunk.count, Data(chunk.data)])
            }
        }
    }

    public func metricChunks(name: String, resolution: MetricResolution, from: Int64, to: Int64) async throws -> [StoredMetricChunk] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM metric_chunks WHERE resolution = ? AND (series = ? OR series LIKE ? ESCAPE '!')
                      AND last_time >= ? AND first_time <= ? ORDER BY series, first_time
                    """, arguments: [resolution.rawValue, name, LikePattern.prefix(name) + "{%", from, to]
            ).map(Self.chunk(from:))
        }
    }

    public func metricChunks(resolution: MetricResolution, endingBefore time: Int64) async throws -> [StoredMetricChunk] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM metric_chunks WHERE resolution = ? AND last_time < ? ORDER BY series, first_time",
                arguments: [resolution.rawValue, time]
            ).map(Self.chunk(from:))
        }
    }

    public func replaceMetricChunks(resolution: MetricResolution, endingBefore time: Int64, with replacements: [StoredMetricChunk]) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM metric_chunks WHERE resolution = ? AND last_time < ?", arguments: [resolution.rawValue, time])
            let insert = try db.cachedStatement(
                sql: "INSERT INTO metric_chunks (series, resolution, first_time, last_time, count, data) VALUES (?, ?, ?, ?, ?, ?)")
            for chunk in replacements {
                try insert.execute(arguments: [chunk.series, chunk.resolution.rawValue, chunk.firstTime, chunk.lastTime, chunk.count, Data(chunk.data)])
            }
        }
    }

    public func metricBytes() async throws -> MetricFootprint {
        try await database.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(count), 0) AS s, COALESCE(SUM(LENGTH(data)), 0) AS b FROM metric_chunks")
            return MetricFootprint(chunks: row?["n"] ?? 0, samples: row?["s"] ?? 0, bytes: row?["b"] ?? 0)
        }
    }

    private static func chunk(from row: Row) throws -> StoredMetricChunk {
        StoredMetricChunk(
            series: row["series"], resolution: try StoredName.decode(row["resolution"], in: "metric_chunks.resolution"),
            firstTime: row["first_time"], lastTime: row["last_time"], count: row["count"], data: Array(row["data"] as Data))
    }
}
