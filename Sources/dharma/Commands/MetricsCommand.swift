import ArgumentParser
import DharmaCore
import DharmaService
import Foundation

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Collect, import and query metrics (stored compressed in the state database).",
        subcommands: [Import.self, Query.self, Scrape.self, Compact.self, Forecast.self, Anomalies.self])

    struct Location: ParsableArguments {
        @Option(help: "State database (default: .dharma/dharma.db next to -f, or here, or $DHARMA_STATE).") var state: String?
        @Option(name: [.customShort("f"), .customLong("file")], help: "A blueprint: use its stack's state database (and, for scrape, its services).")
        var blueprint: String?

        var selector: StackSelector { StackSelector(file: blueprint, state: state) }
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
                let imported = try await MetricsService(context: .cli).importFile(file, name: name, labels: label, into: location.selector)
                print(
                    "Imported \(imported.accepted) samples of \(imported.series) series from \(file)"
                        + (imported.rejected > 0 ? "; dropped \(imported.rejected) (not finite, duplicate or out-of-order times)" : ""))
                for problem in imported.problems.prefix(20) { Terminal.error("\(file):\(problem.line): \(problem.message)") }
                if !imported.problems.isEmpty { throw ExitCode(Exit.invalidInput) }
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
                let rows = try await MetricsService(context: .cli).query(query, since: since, until: until, location.selector)
                if json {
                    print(
                        Value.map([
                            "rows": .list(
                                rows.map { row in
                                    .map([
                                        "labels": .map(row.labels.mapValues(Value.string)), "value": row.value.isFinite ? .double(row.value) : .null,
                                        "samples": .int(row.samples),
                                    ])
                                })
                        ]).jsonText)
                } else if rows.isEmpty {
                    print("no samples match \(query) in the last \(since)")
                } else {
                    for row in rows {
                        let labels =
                            row.labels.isEmpty ? "{}" : "{" + row.labels.keys.sorted().map { "\($0)=\"\(row.labels[$0] ?? "")\"" }.joined(separator: ",") + "}"
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
                let result = try await MetricsService(context: .cli).forecast(query, since: since, horizon: horizon, capacity: capacity, location.selector)
                let forecast = result.forecast
                if json {
                    var object: [String: Value] = [
                        "series": .string(result.series.description), "model": .string(result.model),
                        "stepSeconds": .double(Double(result.step) / 1000), "mean": .list(forecast.mean.map(Value.double)),
                        "lower": .list(forecast.lower.map(Value.double)), "upper": .list(forecast.upper.map(Value.double)),
                    ]
                    if let exhaustion = result.exhaustion {
                        object["exhaustionHours"] = .map([
                            "expected": .double(result.hours(exhaustion.steps)), "earliest": .double(result.hours(exhaustion.earliest)),
                            "latest": exhaustion.latest.map { .double(result.hours($0)) } ?? .null,
                        ])
                    }
                    print(Value.map(object).jsonText)
                    return
                }
                print("\(result.series): \(result.points) points every \(Double(result.step) / 1000) s; \(result.model)")
                if let last = forecast.mean.last, let low = forecast.lower.last, let high = forecast.upper.last {
                    print(String(format: "in %@: %.4g (80 %% interval %.4g – %.4g)", horizon, last, low, high))
                }
                guard let capacity else { return }
                if let exhaustion = result.exhaustion {
                    let expected = result.hours(exhaustion.steps)
                    let spread = max(expected - result.hours(exhaustion.earliest), exhaustion.latest.map { result.hours($0) - expected } ?? 0)
                    print(
                        String(format: "reaches %g in %.1f h ± %.1f h", capacity, expected, spread)
                            + (exhaustion.latest == nil ? " (the optimistic bound never reaches it)" : ""))
                } else {
                    print("does not reach \(capacity) in the forecast")
                }
            }
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
                let stop = StopSignal()
                let request = MetricsService.ScrapeRequest(
                    urls: targets, environment: environment, interval: interval, rounds: rounds, timeout: timeout,
                    labels: label)
                try await MetricsService(context: .cli).scrape(request, into: location.selector, shouldStop: { stop.received }) { round in
                    for failure in round.failures { Terminal.error("scrape \(failure.url): \(failure.reason)") }
                    let errors = round.failures.count
                    print(
                        "round \(round.number): \(round.stored) samples from \(round.targets - errors) of \(round.targets) targets"
                            + (errors > 0 ? ", \(errors) failed" : ""))
                    fflush(nil)
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
                let outcome = try await MetricsService(context: .cli).compact(location.selector)
                print(
                    outcome.rawChunks == 0
                        ? "nothing old enough to downsample"
                        : "\(outcome.rawChunks) raw chunks of \(outcome.series) series → \(outcome.rollupChunks) rollup chunks")
            }
        }
    }
}
