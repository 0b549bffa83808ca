import DharmaInsight
import DharmaMetrics
import DharmaStore
import Foundation

extension Benchmarks {
    public struct InsightFigures: Sendable {
        public var samples: Int
        public var series: Int
        public var ingestInMemory: Double
        public var ingestPersisted: Double
        /// The same writes into PostgreSQL, when a database was given.
        public var ingestPostgres: Double?
        public var bytesPerSample: Double
        public var patternScoring: Double
        public var likelihoodScoring: Double
        /// Keeps the scoring loops from being optimised away.
        public var checksum: Double
        public var forecastMilliseconds: Double
        public var forecastMethods: [String]
        public var candidateMethods: Int
    }

    /// Ingest rate (memory and SQLite), bytes per sample, anomaly scoring rate, and forecast
    /// time for a 10,000-point series.
    public static func insight(samples: Int, series: Int, postgres: PostgresSettings? = nil) async throws -> InsightFigures {
        let keys = (0..<series).map { SeriesKey(name: "bench_cpu", labels: ["resource": "r\($0 % 50)", "replica": String($0)]) }
        let perSeries = samples / series
        // A regular scrape: every 15 s, values that wander a little.
        var buffer = SeriesBuffer()
        var start = ContinuousClock.now
        for step in 0..<perSeries {
            let time = 1_700_000_000_000 + Int64(step) * 15_000
            for (index, key) in keys.enumerated() {
                buffer.append(key, Sample(time: time, value: Double(40 + (step + index) % 7)))
            }
        }
        let memory = seconds(ContinuousClock.now - start)
        let total = buffer.accepted
        let chunks = buffer.drain()
        let bytes = chunks.reduce(0) { $0 + $1.1.bytes.count }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dharma-bench-insight-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = try await persist(keys: keys, perSeries: perSeries, into: try SQLiteStore(path: directory + "/metrics.db"))
        var postgresIngest: Double?
        if let postgres {
            let pool = PostgresPool(postgres)
            defer { pool.close() }
            let store = try PostgresStore(pool: pool, schema: "bench_\(UInt32.random(in: 0...UInt32.max))")
            try await store.migrate()
            do {
                postgresIngest = Double(total) / (try await persist(keys: keys, perSeries: perSeries, into: store))
            } catch {
                try? await store.dropSchema()
                throw error
            }
            try await store.dropSchema()
        }

        var generator = [Double](repeating: 0, count: 1_000_000)
        for index in generator.indices {
            let noise = Double((index * 7919) % 1000) / 100
            generator[index] = index % 5000 == 0 ? noise + 50 : noise
        }
        // One value a minute with its time, learning a little over a day: the daily channel's
        // memory is updated for every value and the rhythm check runs when learning ends.
        var patternSettings = PatternNoveltyDetector.Settings()
        patternSettings.learning = 2000
        var pattern = PatternNoveltyDetector(settings: patternSettings, range: 0...60)
        start = ContinuousClock.now
        var sink = 0.0
        for (index, value) in generator.enumerated() { sink += pattern.score(value, at: Int64(index) * 60_000) }
        let patternScoring = seconds(ContinuousClock.now - start)
        var likelihood = AnomalyDetector()
        start = ContinuousClock.now
        for value in generator { sink += likelihood.score(value) }
        let likelihoodScoring = seconds(ContinuousClock.now - start)

        var long = [Double](repeating: 0, count: 10_000)
        for index in long.indices {
            let hour = Double(index)
            let daily: Double = 20 * sin(hour * 2 * .pi / 24)
            let weekly: Double = 10 * sin(hour * 2 * .pi / 168)
            long[index] = 100 + daily + weekly + Double(index % 7)
        }
        start = ContinuousClock.now
        let forecast = SeasonalForecaster().forecast(long, horizon: 48)
        let fit = seconds(ContinuousClock.now - start)
        return InsightFigures(
            samples: total, series: series, ingestInMemory: Double(total) / memory, ingestPersisted: Double(total) / disk, ingestPostgres: postgresIngest,
            bytesPerSample: Double(bytes) / Double(total), patternScoring: Double(generator.count) / patternScoring,
            likelihoodScoring: Double(generator.count) / likelihoodScoring, checksum: sink, forecastMilliseconds: fit * 1000,
            forecastMethods: forecast.methods, candidateMethods: SeasonalForecaster().methods.count)
    }

    /// Seconds to scrape-buffer and write the benchmark's samples into `store`, in batches of
    /// 500 sealed chunks, as the collector does.
    private static func persist(keys: [SeriesKey], perSeries: Int, into store: some MetricsStore) async throws -> Double {
        let start = ContinuousClock.now
        var persisted = SeriesBuffer()
        for step in 0..<perSeries {
            let time = 1_700_000_000_000 + Int64(step) * 15_000
            for (index, key) in keys.enumerated() { persisted.append(key, Sample(time: time, value: Double(40 + (step + index) % 7))) }
            if persisted.sealed.count >= 500 {
                try await MetricsRepository(store: store).write(&persisted)
            }
        }
        try await MetricsRepository(store: store).write(&persisted)
        return seconds(ContinuousClock.now - start)
    }
}
