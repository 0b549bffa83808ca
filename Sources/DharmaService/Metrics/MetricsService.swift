import DharmaCore
import DharmaInsight
import DharmaMetrics
import DharmaStore
import Foundation

/// Metrics kept compressed in a state database: import, query, scrape, compact, forecast and
/// anomalies.
public struct MetricsService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    /// `NAME=VALUE` labels; one without `=` is refused, naming it.
    public static func labels(_ assignments: [String]) throws(ServiceError) -> [String: String] {
        var labels: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw .invalidInput("--label \(assignment): write it as NAME=VALUE")
            }
            labels[MetricImport.sanitise(String(assignment[..<equals]))] = String(assignment[assignment.index(after: equals)...])
        }
        return labels
    }

    /// A positive duration such as 30s, 15m, 1h or 7d, in seconds.
    public static func duration(_ text: String, option: String) throws(ServiceError) -> Double {
        guard let window = Units.seconds(.string(text)), window > 0 else {
            throw .invalidInput("\(option) \(text): write a duration such as 30s, 15m, 1h or 7d")
        }
        return window
    }

    static func parse(_ query: String) throws(ServiceError) -> MetricQuery {
        do { return try MetricQuery.parse(query) } catch { throw .invalidInput("query: \(error.message)") }
    }

    // MARK: import

    public struct Imported: Sendable {
        public var accepted: Int
        /// Not finite, duplicate or out-of-order times.
        public var rejected: Int
        public var series: Int
        /// Rows that could not be read, by line.
        public var problems: [(line: Int, message: String)]
    }

    /// A CSV (`timestamp,value`, or wide) or OTLP/HTTP JSON file into the metrics store.
    public func importFile(_ file: String, name: String?, labels: [String], into location: StackSelector) async throws(ServiceError) -> Imported {
        try context.authorise(.plan, "write metrics")
        guard let data = FileManager.default.contents(atPath: file) else { throw .invalidInput("cannot read \(file)") }
        let labels = try Self.labels(labels)
        let result: MetricImport.Result
        if file.hasSuffix(".json") {
            guard let object = try? JSONSerialization.jsonObject(with: data) else { throw .invalidInput("\(file) is not JSON") }
            result = MetricImport.otlp(object, labels: labels)
        } else {
            result = MetricImport.csv(String(decoding: data, as: UTF8.self), name: name.map(MetricImport.sanitise), labels: labels)
        }
        return try await ingest(result, into: location)
    }

    /// Samples read elsewhere (an OTLP request to the server) into the metrics store.
    public func ingest(_ result: MetricImport.Result, into location: StackSelector) async throws(ServiceError) -> Imported {
        try context.authorise(.plan, "write metrics")
        var buffer = SeriesBuffer()
        for (key, sample) in result.samples { buffer.append(key, sample) }
        let accepted = buffer.accepted, rejected = buffer.rejected
        let repository = try repository(location)
        try await serviceCall { try await repository.write(&buffer) }
        return Imported(
            accepted: accepted, rejected: rejected, series: Set(result.samples.map(\.0)).count,
            problems: result.problems.map { ($0.line, $0.message) })
    }

    // MARK: query

    /// The rows a query gives over the `since` seconds before `until` (default now).
    public func query(_ text: String, since: String, until: Double?, _ location: StackSelector) async throws(ServiceError) -> [MetricQuery.Row] {
        let (parsed, series) = try await read(text, since: since, until: until, location)
        return parsed.evaluate(series)
    }

    // MARK: forecast

    public struct Forecast: Sendable {
        public var series: SeriesKey
        public var points: Int
        /// Milliseconds between the grid's points.
        public var step: Int64
        public var model: String
        public var forecast: ExponentialSmoothing.Forecast
        public var exhaustion: CapacityForecaster.Exhaustion?

        /// Hours from the last observation that `steps` grid steps make.
        public func hours(_ steps: Double) -> Double { steps * Double(step) / 3_600_000 }
    }

    /// One series put on a regular grid, fitted by the ETS model AICc picks, forecast `horizon`
    /// ahead; with a capacity, when it gets there.
    public func forecast(_ text: String, since: String, horizon: String, capacity: Double?, _ location: StackSelector) async throws(ServiceError) -> Forecast {
        let ahead = try Self.duration(horizon, option: "--horizon")
        let (_, series) = try await read(text, since: since, until: nil, location)
        guard series.count == 1, let (key, samples) = series.first else {
            throw .invalidInput(
                series.isEmpty
                    ? "no series matches \(text) in the last \(since)"
                    : "\(series.count) series match; narrow the selector to one: " + series.keys.sorted().prefix(5).map(\.description).joined(separator: ", "))
        }
        let grid = RegularSeries(samples)
        guard grid.values.count >= 8, grid.step > 0 else { throw .invalidInput("\(key) has too few samples to forecast (\(samples.count))") }
        let smoothing = ExponentialSmoothing()
        guard let model = smoothing.fit(grid.values) else { throw .failed("no model fits \(key)") }
        let steps = max(1, Int((ahead * 1000 / Double(grid.step)).rounded(.up)))
        let exhaustion = capacity.flatMap { CapacityForecaster.timeToExhaustion(grid.values, capacity: $0, maximumSteps: max(steps, 2000)) }
        return Forecast(
            series: key, points: grid.values.count, step: grid.step, model: model.name,
            forecast: smoothing.forecast(model, horizon: steps), exhaustion: exhaustion)
    }

    // MARK: anomalies

    public struct AnomalyRequest: Sendable {
        public var query: String
        public var since: String
        public var until: Double?
        /// `LOW:HIGH`, where values are expected to lie; nil: learnt.
        public var range: String?
        public var learning: Int
        /// How long a pattern is remembered (`7d`); `0` remembers forever.
        public var memory: String

        public init(query: String, since: String = "7d", until: Double? = nil, range: String? = nil, learning: Int = 150, memory: String = "7d") {
            self.query = query
            self.since = since
            self.until = until
            self.range = range
            self.learning = learning
            self.memory = memory
        }
    }

    public struct SeriesAnomalies: Sendable {
        public var series: SeriesKey
        public var samples: Int
        /// Whether there were more samples than the learning period.
        public var learnt: Bool
        public var alarms: [SeriesAlarms.Alarm]
    }

    public func anomalies(_ request: AnomalyRequest, _ location: StackSelector) async throws(ServiceError) -> [SeriesAnomalies] {
        guard (1...100_000).contains(request.learning) else { throw .invalidInput("--learning \(request.learning): between 1 and 100000 samples") }
        let expected = try request.range.map(Self.range)
        let remembered = request.memory == "0" ? 0 : try Self.duration(request.memory, option: "--memory")
        let (_, series) = try await read(request.query, since: request.since, until: request.until, location)
        var settings = PatternNoveltyDetector.Settings()
        settings.learning = request.learning
        settings.restPeriod = request.learning
        return series.keys.sorted { $0.description < $1.description }.map { key in
            let samples = series[key] ?? []
            return SeriesAnomalies(
                series: key, samples: samples.count, learnt: samples.count > request.learning,
                alarms: SeriesAlarms.alarms(in: samples, settings: settings, memory: remembered, range: expected))
        }
    }

    static func range(_ text: String) throws(ServiceError) -> ClosedRange<Double> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]), low.isFinite, high.isFinite, low < high else {
            throw .invalidInput("--range \(text): write LOW:HIGH with LOW below HIGH, such as 0:100")
        }
        return low...high
    }

    // MARK: scrape and compact

    public struct ScrapeRequest: Sendable {
        public var urls: [String]
        /// With a blueprint (`location.file`): every replica of its stack's services.
        public var environment: String?
        public var interval: String
        /// Rounds before stopping; 0: until `shouldStop`.
        public var rounds: Int
        public var timeout: String
        public var labels: [String]

        public init(urls: [String], environment: String? = nil, interval: String = "15s", rounds: Int = 1, timeout: String = "5s", labels: [String] = []) {
            self.urls = urls
            self.environment = environment
            self.interval = interval
            self.rounds = rounds
            self.timeout = timeout
            self.labels = labels
        }
    }

    public struct ScrapeRound: Sendable {
        public var number: Int
        public var stored: Int
        public var targets: Int
        public var failures: [(url: String, reason: String)]
    }

    /// Scrapes the targets every interval into the store; each round is reported as it ends.
    public func scrape(
        _ request: ScrapeRequest, into location: StackSelector, shouldStop: @Sendable () -> Bool = { false },
        report: (ScrapeRound) -> Void
    ) async throws(ServiceError) {
        try context.authorise(.plan, "write metrics")
        guard let every = Units.seconds(.string(request.interval)), every > 0, let limit = Units.seconds(.string(request.timeout)), limit > 0 else {
            throw .invalidInput("--interval and --timeout are durations such as 5s or 1m")
        }
        var targets: [MetricsScraper.Target] = []
        for text in request.urls {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else { throw .invalidInput("`\(text)` is not an http(s) URL") }
            targets.append(MetricsScraper.Target(url: url))
        }
        let store = try location.location(context).store()
        if let file = location.file {
            let prepared = try BlueprintInput(path: file, environment: request.environment).prepare()
            targets += try await serviceCall { try await MetricsScraper.targets(of: prepared.stack, in: store) }
            if targets.isEmpty { throw .invalidInput("\(prepared.stack) runs no services to scrape; apply it first") }
        }
        guard !targets.isEmpty else { throw .invalidInput("name URLs to scrape, or a blueprint with -f") }
        let scraper = MetricsScraper(timeout: limit, labels: try Self.labels(request.labels))
        let repository = MetricsRepository(store: store)
        var round = 0
        while request.rounds == 0 || round < request.rounds {
            round += 1
            let started = Date()
            var result = await scraper.round(targets)
            let stored = result.buffer.accepted
            try await serviceCall { try await repository.write(&result.buffer) }
            report(
                ScrapeRound(
                    number: round, stored: stored, targets: targets.count,
                    failures: result.failures.map { ($0.target.url.absoluteString, $0.failure.description) }))
            if (request.rounds != 0 && round >= request.rounds) || shouldStop() { break }
            let deadline = started.addingTimeInterval(every)
            while Date() < deadline, !shouldStop() { try? await Task.sleep(nanoseconds: 50_000_000) }
            if shouldStop() { break }
        }
    }

    /// Downsamples and expires old samples by the retention policy.
    public func compact(_ location: StackSelector, now: Date = Date()) async throws(ServiceError) -> MetricsRetention.Outcome {
        try context.authorise(.plan, "write metrics")
        let store = try location.location(context).store()
        return try await serviceCall { try await MetricsRetention().compact(store, now: Int64(now.timeIntervalSince1970 * 1000)) }
    }

    // MARK: shared

    func read(_ text: String, since: String, until: Double?, _ location: StackSelector) async throws(ServiceError) -> (
        MetricQuery, [SeriesKey: [Sample]]
    ) {
        let parsed = try Self.parse(text)
        let window = try Self.duration(since, option: "--since")
        let end = Int64((until ?? Date().timeIntervalSince1970) * 1000)
        let repository = try repository(location)
        return (parsed, try await serviceCall { try await repository.read(parsed, from: end - Int64(window * 1000), to: end) })
    }

    private func repository(_ selector: StackSelector) throws(ServiceError) -> MetricsRepository {
        try context.authorise(.read, "read metrics")
        let location = selector.location(context)
        do {
            try FileManager.default.createDirectory(
                atPath: (location.databasePath as NSString).deletingLastPathComponent.isEmpty
                    ? "." : (location.databasePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw .failed("cannot open the metrics database \(location.databasePath): \(error)")
        }
        return MetricsRepository(store: try location.store())
    }
}
