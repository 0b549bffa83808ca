import ArgumentParser
import DharmaCore
import DharmaInsight
import DharmaStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Collect, import and query metrics (stored compressed in the state database).",
        subcommands: [Import.self, Query.self, Scrape.self, Compact.self, Forecast.self, Anomalies.self])

    struct Location: ParsableArguments {
        @Option(help: "State database (default: .dharma/dharma.db next to -f, or here, or $DHARMA_STATE).") var state: String?
        @Option(name: [.customShort("f"), .customLong("file")], help: "A blueprint: use its stack's state database (and, for scrape, its services).")
        var blueprint: String?
        func path() -> String { StatePaths.resolve(explicit: state, blueprint: blueprint) }
    }

    static func labels(_ assignments: [String]) throws -> [String: String] {
        var labels: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw CLIFailure(message: "--label \(assignment): write it as NAME=VALUE", code: Exit.invalidInput)
            }
            labels[MetricImport.sanitise(String(assignment[..<equals]))] = String(assignment[assignment.index(after: equals)...])
        }
        return labels
    }

    /// A selector or query, or a usage error that says what is wrong with it.
    static func parse(_ query: String) throws -> MetricQuery {
        do { return try MetricQuery.parse(query) } catch {
            throw CLIFailure(message: "query: \(error.message)", code: Exit.invalidInput)
        }
    }

    /// `--since` in seconds: a positive duration such as 30s, 15m, 1h or 7d.
    static func duration(_ text: String, option: String = "--since") throws -> Double {
        guard let window = Units.seconds(.string(text)), window > 0 else {
            throw CLIFailure(message: "\(option) \(text): write a duration such as 30s, 15m, 1h or 7d", code: Exit.invalidInput)
        }
        return window
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import CSV (timestamp,value or wide) or OTLP/HTTP JSON metrics from a file.",
            discussion: """
                Examples:
                  dharma metrics import cpu.csv --name cpu --label resource=web
                  dharma metrics import otlp.json
                """)

        @Argument(help: "The file (.csv or .json).") var file: String
        @Option(help: "Metric name for a timestamp,value CSV (or the name of a wide CSV's columns).") var name: String?
        @Option(help: "Label NAME=VALUE added to every series (repeatable).") var label: [String] = []
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIFailure(message: "cannot read \(file)", code: Exit.invalidInput)
                }
                let labels = try MetricsCommand.labels(label)
                let result: MetricImport.Result
                if file.hasSuffix(".json") {
                    guard let object = try? JSONSerialization.jsonObject(with: data) else {
                        throw CLIFailure(message: "\(file) is not JSON", code: Exit.invalidInput)
                    }
                    result = MetricImport.otlp(object, labels: labels)
                } else {
                    result = MetricImport.csv(String(decoding: data, as: UTF8.self), name: name.map(MetricImport.sanitise), labels: labels)
                }
                var buffer = SeriesBuffer()
                for (key, sample) in result.samples { buffer.append(key, sample) }
                let accepted = buffer.accepted, rejected = buffer.rejected
                try await MetricsDatabase.open(location.path()).write(&buffer)
                let series = Set(result.samples.map(\.0)).count
                print("Imported \(accepted) samples of \(series) series from \(file)"
                    + (rejected > 0 ? "; dropped \(rejected) (not finite, duplicate or out-of-order times)" : ""))
                for problem in result.problems.prefix(20) { Terminal.error("\(file):\(problem.line): \(problem.message)") }
                if !result.problems.isEmpty { throw ExitCode(Exit.invalidInput) }
            }
        }
    }

    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Query stored metrics.",
            discussion: """
                A selector with label matchers (=, !=, =~), optionally inside rate(…), or avg/min/max/sum/count(…) by (labels), or quantile(0.95, …) by (labels).

                Examples:
                  dharma metrics query 'cpu{resource="web"}' --since 1h
                  dharma metrics query 'avg(workload_requests_total) by (replica)' --since 30m
                  dharma metrics query 'rate(workload_requests_total{resource="web"})' \\
                    --since 5m
                """)

        @Argument(help: "The query.") var query: String
        @Option(help: "How far back: 30s, 15m, 1h, 7d.") var since: String = "1h"
        @Option(help: "End of the range in seconds since 1970 (default: now).") var until: Double?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                let parsed = try MetricsCommand.parse(query)
                let window = try MetricsCommand.duration(since)
                let end = Int64((until ?? Date().timeIntervalSince1970) * 1000)
                let series = try await MetricsDatabase.open(location.path()).read(parsed, from: end - Int64(window * 1000), to: end)
                let rows = parsed.evaluate(series)
                if json {
                    print(Value.map(["rows": .list(rows.map { row in
                        .map(["labels": .map(row.labels.mapValues(Value.string)), "value": row.value.isFinite ? .double(row.value) : .null,
                              "samples": .int(row.samples)])
                    })]).jsonText)
                } else if rows.isEmpty {
                    print("no samples match \(query) in the last \(since)")
                } else {
                    for row in rows {
                        let labels = row.labels.isEmpty ? "{}" : "{" + row.labels.keys.sorted().map { "\($0)=\"\(row.labels[$0] ?? "")\"" }.joined(separator: ",") + "}"
                        print("\(labels)  \(row.value)  (\(row.samples) samples)")
                    }
                }
            }
        }
    }

    struct Forecast: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forecast one series with exponential smoothing; with --capacity, say when it gets there.",
            discussion: """
                The series is put on a regular grid (its median sampling interval; a missing step repeats the last value), an ETS model is chosen by AICc, and the forecast is printed with an 80 % interval.

                Example:
                  dharma metrics forecast 'disk_used_percent{resource="db"}' \\
                    --since 7d --capacity 100
                """)

        @Argument(help: "A selector that picks exactly one series.") var query: String
        @Option(help: "History to fit on.") var since: String = "7d"
        @Option(help: "How far ahead.") var horizon: String = "48h"
        @Option(help: "The value that means full.") var capacity: Double?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                let parsed = try MetricsCommand.parse(query)
                guard let window = Units.seconds(.string(since)), window > 0, let ahead = Units.seconds(.string(horizon)), ahead > 0 else {
                    throw CLIFailure(message: "--since and --horizon are durations such as 1h or 7d", code: Exit.invalidInput)
                }
                let end = Int64(Date().timeIntervalSince1970 * 1000)
                let series = try await MetricsDatabase.open(location.path()).read(parsed, from: end - Int64(window * 1000), to: end)
                guard series.count == 1, let (key, samples) = series.first else {
                    throw CLIFailure(message: series.isEmpty ? "no series matches \(query) in the last \(since)"
                        : "\(series.count) series match; narrow the selector to one: " + series.keys.sorted().prefix(5).map(\.description).joined(separator: ", "),
                        code: Exit.invalidInput)
                }
                let (values, step) = Self.regular(samples)
                guard values.count >= 8, step > 0 else { throw CLIFailure(message: "\(key) has too few samples to forecast (\(samples.count))", code: Exit.invalidInput) }
                let smoothing = ExponentialSmoothing()
                guard let model = smoothing.fit(values) else { throw CLIFailure(message: "no model fits \(key)", code: Exit.failure) }
                let steps = max(1, Int((ahead * 1000 / Double(step)).rounded(.up)))
                let forecast = smoothing.forecast(model, horizon: steps)
                let hours = { (steps: Double) in steps * Double(step) / 3_600_000 }
                var exhaustion: CapacityForecaster.Exhaustion?
                if let capacity { exhaustion = CapacityForecaster.timeToExhaustion(values, capacity: capacity, maximumSteps: max(steps, 2000)) }
                if json {
                    var object: [String: Value] = ["series": .string(key.description), "model": .string(model.name), "stepSeconds": .double(Double(step) / 1000),
                                                   "mean": .list(forecast.mean.map(Value.double)), "lower": .list(forecast.lower.map(Value.double)),
                                                   "upper": .list(forecast.upper.map(Value.double))]
                    if let exhaustion {
                        object["exhaustionHours"] = .map(["expected": .double(hours(exhaustion.steps)), "earliest": .double(hours(exhaustion.earliest)),
                                                          "latest": exhaustion.latest.map { .double(hours($0)) } ?? .null])
                    }
                    print(Value.map(object).jsonText)
                    return
                }
                print("\(key): \(values.count) points every \(Double(step) / 1000) s; \(model.name)")
                if let last = forecast.mean.last, let low = forecast.lower.last, let high = forecast.upper.last {
                    print(String(format: "in %@: %.4g (80 %% interval %.4g – %.4g)", horizon, last, low, high))
                }
                if let capacity {
                    if let exhaustion {
                        let expected = hours(exhaustion.steps)
                        let spread = max(expected - hours(exhaustion.earliest), exhaustion.latest.map { hours($0) - expected } ?? 0)
                        print(String(format: "reaches %g in %.1f h ± %.1f h", capacity, expected, spread)
                            + (exhaustion.latest == nil ? " (the optimistic bound never reaches it)" : ""))
                    } else {
                        print("does not reach \(capacity) in the forecast")
                    }
                }
            }
        }

        /// Samples on a grid of the median interval; a missing step repeats the last value.
        static func regular(_ samples: [Sample]) -> ([Double], Int64) {
            guard samples.count > 1 else { return (samples.map(\.value), 0) }
            let gaps = zip(samples, samples.dropFirst()).map { $1.time - $0.time }.sorted()
            let step = max(1, gaps[gaps.count / 2])
            var values: [Double] = []
            var bucket = samples[0].time
            var index = 0
            var last = samples[0].value
            while bucket <= samples[samples.count - 1].time, values.count < 100_000 {
                var sum = 0.0, count = 0.0
                while index < samples.count, samples[index].time < bucket + step {
                    sum += samples[index].value
                    count += 1
                    index += 1
                }
                if count > 0 { last = sum / count }
                values.append(last)
                bucket += step
            }
            return (values, step)
        }
    }

    struct Scrape: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scrape Prometheus /metrics endpoints on an interval and store what they expose.",
            discussion: """
                A target that times out or returns something that is not the exposition format is counted as an error for that round; the other targets are unaffected.

                With -f BLUEPRINT, every replica of the stack's services (as recorded in its state) is a target, labelled stack, resource and replica, and the samples go to that stack's state database.

                Examples:
                  dharma metrics scrape http://127.0.0.1:8080/metrics --label resource=web \\
                    --interval 5s --rounds 12
                  dharma metrics scrape -f examples/webapp.yaml --interval 15s --rounds 0
                """)

        @Argument(help: "URLs to scrape.") var targets: [String] = []
        @Option(name: .customLong("env"), help: "Environment of the blueprint's stack.") var environment: String?
        @Option(help: "Time between rounds.") var interval: String = "15s"
        @Option(help: "Rounds before stopping (0: until interrupted).") var rounds: Int = 1
        @Option(help: "Per-target timeout.") var timeout: String = "5s"
        @Option(help: "Label NAME=VALUE added to every sample (repeatable).") var label: [String] = []
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                guard let every = Units.seconds(.string(interval)), every > 0, let limit = Units.seconds(.string(timeout)), limit > 0 else {
                    throw CLIFailure(message: "--interval and --timeout are durations such as 5s or 1m", code: Exit.invalidInput)
                }
                var targets: [MetricsScraper.Target] = try self.targets.map { text in
                    guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
                        throw CLIFailure(message: "`\(text)` is not an http(s) URL", code: Exit.invalidInput)
                    }
                    return MetricsScraper.Target(url: url, labels: [:])
                }
                let databasePath = location.path()
                if let blueprint = location.blueprint {
                    let prepared = try StackOptions.parse(environment.map { ["--env", $0] } ?? []).prepare(blueprint)
                    let store: SQLiteStore
                    do { store = try SQLiteStore(path: databasePath) } catch {
                        throw CLIFailure(message: "cannot open \(databasePath): \(error)", code: Exit.failure)
                    }
                    targets += try await MetricsScraper.targets(of: prepared.stack, in: store)
                    if targets.isEmpty { throw CLIFailure(message: "\(prepared.stack) runs no services to scrape; apply it first", code: Exit.invalidInput) }
                }
                guard !targets.isEmpty else { throw CLIFailure(message: "name URLs to scrape, or a blueprint with -f", code: Exit.invalidInput) }
                let scraper = MetricsScraper(timeout: limit, labels: try MetricsCommand.labels(label))
                let database = try MetricsDatabase.open(databasePath)
                var round = 0
                while rounds == 0 || round < rounds {
                    round += 1
                    let started = Date()
                    var result = await scraper.round(targets)
                    for failure in result.failures {
                        Terminal.error("scrape \(failure.target.url.absoluteString): \(failure.message)")
                    }
                    let stored = result.buffer.accepted
                    try await database.write(&result.buffer)
                    let errors = result.failures.count
                    print("round \(round): \(stored) samples from \(targets.count - errors) of \(targets.count) targets" + (errors > 0 ? ", \(errors) failed" : ""))
                    if rounds != 0 && round >= rounds { break }
                    let wait = every - Date().timeIntervalSince(started)
                    if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
                }
            }
        }
    }

    struct Compact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Downsample and expire old samples.",
            discussion: """
                Raw samples older than 2 days become 5-minute and 1-hour rollups (series NAME:5m_min, NAME:5m_max, NAME:5m_avg, NAME:5m_count and the same for 1h, with the same labels); 5-minute rollups older than 30 days and 1-hour rollups older than a year are dropped. Each step replaces what it reads in one transaction.
                """)

        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                let database = try MetricsDatabase.open(location.path())
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let day: Int64 = 86_400_000
                let old = try await database.store.metricChunks(resolution: "raw", endingBefore: now - 2 * day)
                var bySeries: [String: [Sample]] = [:]
                for chunk in old { bySeries[chunk.series, default: []] += GorillaChunk.decode(bytes: chunk.data, count: chunk.count) }
                var rollups: [StoredMetricChunk] = []
                for (series, samples) in bySeries {
                    guard let key = MetricsDatabase.key(series) else { continue }
                    for (resolution, step) in [("5m", Int64(300_000)), ("1h", Int64(3_600_000))] {
                        let points = Downsampler.rollup(samples.sorted { $0.time < $1.time }, step: step)
                        let parts: [(String, (Downsampler.Point) -> Double)] = [("min", { $0.min }), ("max", { $0.max }), ("avg", { $0.average }), ("count", { Double($0.count) })]
                        for (suffix, value) in parts {
                            var chunk = GorillaChunk()
                            for point in points { chunk.append(time: point.time, value: value(point)) }
                            rollups.append(StoredMetricChunk(series: SeriesKey(name: key.name + ":\(resolution)_\(suffix)", labels: key.labels).description,
                                                             resolution: resolution, firstTime: chunk.firstTime, lastTime: chunk.lastTime,
                                                             count: chunk.count, data: chunk.bytes))
                        }
                    }
                }
                try await database.store.replaceMetricChunks(resolution: "raw", endingBefore: now - 2 * day, with: rollups)
                try await database.store.replaceMetricChunks(resolution: "5m", endingBefore: now - 30 * day, with: [])
                try await database.store.replaceMetricChunks(resolution: "1h", endingBefore: now - 365 * day, with: [])
                print(old.isEmpty ? "nothing old enough to downsample" : "\(old.count) raw chunks of \(bySeries.count) series → \(rollups.count) rollup chunks")
            }
        }
    }
}
