/// Storage for metrics: compressed chunks of samples per series, at the raw resolution and as
/// rollups. The chunks' encoding (Gorilla) is DharmaInsight's; the store only keeps bytes and
/// indexes them by series and time.
public protocol MetricsStore: Sendable {
    func appendMetricChunks(_ chunks: [StoredMetricChunk]) async throws
    /// Chunks of series whose text starts with `name` that overlap [from, to].
    func metricChunks(name: String, resolution: MetricResolution, from: Int64, to: Int64) async throws -> [StoredMetricChunk]
    /// Every chunk of a resolution that ends before `time`, for downsampling and retention.
    func metricChunks(resolution: MetricResolution, endingBefore time: Int64) async throws -> [StoredMetricChunk]
    /// Replaces chunks of one resolution that end before `time` with `replacements` in one
    /// transaction, so a crash never loses both.
    func replaceMetricChunks(resolution: MetricResolution, endingBefore time: Int64, with replacements: [StoredMetricChunk]) async throws
    /// What the stored metrics take.
    func metricBytes() async throws -> MetricFootprint
}

/// How finely a stored chunk's samples are spaced.
public enum MetricResolution: String, Sendable, Hashable, CaseIterable {
    /// As scraped or imported.
    case raw
    /// Five-minute rollups.
    case fiveMinutes = "5m"
    /// One-hour rollups.
    case hour = "1h"
}

/// A compressed block of one series' samples, as stored.
public struct StoredMetricChunk: Sendable, Hashable {
    /// The series' canonical text, e.g. `cpu{resource="web"}`.
    public var series: String
    public var resolution: MetricResolution
    public var firstTime: Int64
    public var lastTime: Int64
    public var count: Int
    public var data: [UInt8]

    public init(series: String, resolution: MetricResolution = .raw, firstTime: Int64, lastTime: Int64, count: Int, data: [UInt8]) {
        self.series = series
        self.resolution = resolution
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.count = count
        self.data = data
    }
}

/// How much the stored metrics take: chunks, samples and bytes of compressed data.
public struct MetricFootprint: Sendable, Hashable {
    public var chunks: Int
    public var samples: Int
    public var bytes: Int

    public init(chunks: Int, samples: Int, bytes: Int) {
        self.chunks = chunks
        self.samples = samples
        self.bytes = bytes
    }
}
