import ArgumentParser
import DharmaCore
import DharmaInsight
import DharmaStore
import Foundation

extension BenchCommand {
    struct InsightBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "insight",
            abstract: "Ingest rate (memory and SQLite), bytes per sample, anomaly scoring rate, forecast time for a 10,000-point series.",
            discussion: "Example: dharma bench insight --samples 2000000")

        @Option(help: "Samples to ingest.") var samples = 2_000_000
        @Option(help: "Series they are spread over.") var series = 1000

        func run() async throws {
            guard samples >= 1000, series >= 1, series <= samples else { throw ValidationError("--samples must be at least 1000 and --series between 1 and --samples") }
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
            let store = try SQLiteStore(path: directory + "/metrics.db")
            start = ContinuousClock.now
            var persisted = SeriesBuffer()
            for step in 0..<perSeries {
                let time = 1_700_000_000_000 + Int64(step) * 15_000
                for (index, key) in keys.enumerated() { persisted.append(key, Sample(time: time, value: Double(40 + (step + index) % 7))) }
                if persisted.sealed.count >= 500 {
                    try await MetricsDatabase(store: store).write(&persisted)
                }
            }
            try await MetricsDatabase(store: store).write(&persisted)
            let disk = seconds(ContinuousClock.now - start)

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

            print(String(format: "ingest, memory      %10.0f samples/s   (%d samples, %d series, Gorilla chunks of %d)", Double(total) / memory, total, series, SeriesBuffer.chunkSize))
            print(String(format: "ingest, persisted   %10.0f samples/s   (SQLite, WAL, chunks written in batches of 500)", Double(total) / disk))
            print(String(format: "compression         %10.2f bytes/sample (15 s interval, small integer wander)", Double(bytes) / Double(total)))
            print(String(format: "anomaly scoring     %10.0f points/s    (pattern novelty with times, 1,000,000 points, one core)", Double(generator.count) / patternScoring))
            print(String(format: "anomaly scoring     %10.0f points/s    (likelihood, 1,000,000 points, one core; checksum %.1f)", Double(generator.count) / likelihoodScoring, sink))
            print(String(format: "forecast            %10.1f ms           (10,000 points, horizon 48, %d candidate methods; chose %@)", fit * 1000,
                         SeasonalForecaster().methods.count, forecast.methods.joined(separator: "+")))
        }
    }
}
