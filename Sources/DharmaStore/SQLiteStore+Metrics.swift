import Foundation
import GRDB

/// A compressed block of one series' samples, as stored.
public struct StoredMetricChunk: Sendable, Hashable {
    /// The series' canonical text, e.g. `cpu{resource="web"}`.
    public var series: String
    /// `raw`, `5m` or `1h`.
    public var resolution: String
    public var firstTime: Int64
    public var lastTime: Int64
    public var count: Int
    public var data: [UInt8]

    public init(series: String, resolution: String = "raw", firstTime: Int64, lastTime: Int64, count: Int, data: [UInt8]) {
        self.series = series
        self.resolution = resolution
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.count = count
        self.data = data
    }
}

extension SQLiteStore {
    public func appendMetricChunks(_ chunks: [StoredMetricChunk]) async throws {
        try await database.write { db in
            let insert = try db.cachedStatement(
                sql: "INSERT INTO metric_chunks (series, resolution, first_time, last_time, count, data) VALUES (?, ?, ?, ?, ?, ?)")
            for chunk in chunks {
                try insert.execute(arguments: [chunk.series, chunk.resolution, chunk.firstTime, chunk.lastTime, chunk.count, Data(chunk.data)])
            }
        }
    }

    /// Chunks of series whose text starts with `name` that overlap [from, to].
    public func metricChunks(name: String, resolution: String = "raw", from: Int64, to: Int64) async throws -> [StoredMetricChunk] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM metric_chunks WHERE resolution = ? AND (series = ? OR series LIKE ? ESCAPE '!')
                  AND last_time >= ? AND first_time <= ? ORDER BY series, first_time
                """, arguments: [resolution, name, Self.likePrefix(name) + "{%", from, to]).map { row in
                StoredMetricChunk(series: row["series"], resolution: row["resolution"], firstTime: row["first_time"], lastTime: row["last_time"],
                                  count: row["count"], data: Array(row["data"] as Data))
            }
        }
    }

    /// Every chunk of a resolution that ends before `time`, for downsampling and retention.
    public func metricChunks(resolution: String, endingBefore time: Int64) async throws -> [StoredMetricChunk] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM metric_chunks WHERE resolution = ? AND last_time < ? ORDER BY series, first_time",
                             arguments: [resolution, time]).map { row in
                StoredMetricChunk(series: row["series"], resolution: row["resolution"], firstTime: row["first_time"], lastTime: row["last_time"],
                                  count: row["count"], data: Array(row["data"] as Data))
            }
        }
    }

    /// Replaces chunks of one resolution that end before `time` with `replacements` in one
    /// transaction, so a crash never loses both.
    public func replaceMetricChunks(resolution: String, endingBefore time: Int64, with replacements: [StoredMetricChunk]) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM metric_chunks WHERE resolution = ? AND last_time < ?", arguments: [resolution, time])
            let insert = try db.cachedStatement(
                sql: "INSERT INTO metric_chunks (series, resolution, first_time, last_time, count, data) VALUES (?, ?, ?, ?, ?, ?)")
            for chunk in replacements {
                try insert.execute(arguments: [chunk.series, chunk.resolution, chunk.firstTime, chunk.lastTime, chunk.count, Data(chunk.data)])
            }
        }
    }

    public func metricBytes() async throws -> (chunks: Int, samples: Int, bytes: Int) {
        try await database.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(count), 0) AS s, COALESCE(SUM(LENGTH(data)), 0) AS b FROM metric_chunks")
            return (row?["n"] ?? 0, row?["s"] ?? 0, row?["b"] ?? 0)
        }
    }

    static func likePrefix(_ text: String) -> String {
        text.replacingOccurrences(of: "!", with: "!!").replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_")
    }
}
