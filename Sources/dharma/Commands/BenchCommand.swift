import ArgumentParser
import DharmaBench
import DharmaCore
import DharmaInsight
import DharmaStore
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure planning and applying; prints figures (build with -c release).",
        subcommands: [
            PlanBench.self, ApplyBench.self, AuditBench.self, ExportBench.self, ScanBench.self, InsightBench.self, ServerBench.self, EventsBench.self,
            ConsoleBench.self,
        ])

    struct ServerBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "server",
            abstract: "wrk against dharma server (plain HTTP and TLS) next to a Hummingbird hello-world: req/s and p50/p99.",
            discussion: """
                Starts a hello-world Hummingbird app in this process and two `dharma server`s (plain HTTP, and TLS from the internal CA), seeds each with a stack, its blueprint and 100 runs, then runs wrk -t2 -cN against GET of the stack, GET of a list of 100 runs, and POST validate of a 50-resource blueprint. wrk (Debian's) speaks TLS with X25519 only, not X25519MLKEM768. Build with -c release.

                Example: dharma bench server --connections 64 --seconds 10 --rounds 3
                """)

        @Option(help: "wrk connections.") var connections = 64
        @Option(help: "Seconds per round.") var seconds = 10
        @Option(help: "Rounds per scenario; the best is reported.") var rounds = 3
        @Flag(help: "Print the figures as JSON.") var json = false

        func run() async throws {
            guard connections >= 1, seconds >= 1, rounds >= 1 else { throw ValidationError("--connections, --seconds and --rounds must be at least 1") }
            let executable =
                CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
            let figures = try await Benchmarks.server(dharma: executable, connections: connections, seconds: seconds, rounds: rounds)
            let hello = figures.scenarios.first?.requestsPerSecond ?? 0
            if json {
                print(
                    Value.map([
                        "connections": .int(connections), "seconds": .int(seconds),
                        "scenarios": .list(
                            figures.scenarios.map {
                                .map([
                                    "name": .string($0.name), "transport": .string($0.transport), "requestsPerSecond": .double($0.requestsPerSecond.rounded()),
                                    "p50Milliseconds": .double($0.p50Milliseconds), "p99Milliseconds": .double($0.p99Milliseconds), "errors": .int($0.errors),
                                    "ofHelloWorld": .double(hello > 0 ? ($0.requestsPerSecond / hello * 1000).rounded() / 1000 : 0),
                                ])
                            }),
                    ]).jsonText)
                return
            }
            print("wrk -t2 -c\(connections), \(seconds) s per round, best of \(rounds):")
            print("scenario                        transport       req/s   of hello   p50 ms   p99 ms  errors")
            for scenario in figures.scenarios {
                print(
                    scenario.name.padded(31) + " " + scenario.transport.padded(14)
                        + String(
                            format: " %7.0f   %6.1f %%   %6.2f   %6.2f  %6d", scenario.requestsPerSecond,
                            hello > 0 ? scenario.requestsPerSecond / hello * 100 : 0,
                            scenario.p50Milliseconds, scenario.p99Milliseconds, scenario.errors))
            }
        }
    }

    struct ConsoleBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "console",
            abstract: "The web console's pages for an organisation of many stacks: bytes downloaded and render time.",
            discussion: """
                Starts a `dharma server` (plain HTTP), makes organisation `bench` with --stacks stacks of a 10-resource blueprint (each planned, the first applied) and a day of metrics, signs in to the console, then for each page counts its HTML and the stylesheet and scripts it links, and runs wrk with one connection for --seconds against it: p50 and p99 are the time to render the page, one request at a time. wrk and curl must be on PATH. Build with -c release.

                Example: dharma bench console --stacks 100 --seconds 5
                """)

        @Option(help: "Stacks in the organisation.") var stacks = 100
        @Option(help: "Seconds of requests per page.") var seconds = 5
        @Flag(help: "Print the figures as JSON.") var json = false

        func run() async throws {
            guard (1...1000).contains(stacks), seconds >= 1 else { throw ValidationError("--stacks is 1 to 1000 and --seconds at least 1") }
            let executable =
                CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
            let figures = try await Benchmarks.console(dharma: executable, stacks: stacks, seconds: seconds)
            if json {
                print(
                    Value.map([
                        "stacks": .int(figures.stacks), "seconds": .int(figures.seconds),
                        "pages": .list(
                            figures.pages.map {
                                .map([
                                    "name": .string($0.name), "path": .string($0.path), "htmlBytes": .int($0.htmlBytes), "assetBytes": .int($0.assetBytes),
                                    "p50Milliseconds": .double($0.p50Milliseconds), "p99Milliseconds": .double($0.p99Milliseconds),
                                    "requestsPerSecond": .double($0.requestsPerSecond.rounded()),
                                ])
                            }),
                    ]).jsonText)
                return
            }
            print("organisation of \(figures.stacks) stacks; wrk -c1 for \(figures.seconds) s per page:")
            print("page                  HTML KB   + CSS/JS KB   p50 ms   p99 ms   req/s")
            for page in figures.pages {
                print(
                    page.name.padded(21)
                        + String(
                            format: " %7.1f   %11.1f   %6.2f   %6.2f  %6.0f", Double(page.htmlBytes) / 1024, Double(page.assetBytes) / 1024,
                            page.p50Milliseconds, page.p99Milliseconds, page.requestsPerSecond))
            }
        }
    }

    struct EventsBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "events",
            abstract: "Fan-out of a server's events to many WebSocket subscribers: delivery latency p50/p99.",
            discussion: """
                Starts a `dharma server` (plain HTTP), opens --subscribers WebSockets on /v1/orgs/ORG/events in this process, then makes --events audit entries one every --interval-ms. Latency is the time a subscriber got an event minus the time the server published it. Build with -c release.

                Example: dharma bench events --subscribers 1000 --events 50
                """)

        @Option(help: "WebSocket subscribers.") var subscribers = 1000
        @Option(help: "Events to publish.") var events = 50
        @Option(name: .customLong("interval-ms"), help: "Milliseconds between events.") var intervalMilliseconds = 100
        @Flag(help: "Print the figures as JSON.") var json = false

        func run() async throws {
            guard subscribers >= 1, events >= 1, intervalMilliseconds >= 0 else { throw ValidationError("--subscribers and --events must be at least 1") }
            let executable =
                CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
            let figures = try await Benchmarks.eventFanout(
                dharma: executable, subscribers: subscribers, events: events, interval: .milliseconds(intervalMilliseconds))
            if json {
                print(
                    Value.map([
                        "subscribers": .int(figures.subscribers), "events": .int(figures.events), "delivered": .int(figures.delivered),
                        "expected": .int(figures.subscribers * figures.events), "p50Milliseconds": .double(figures.p50Milliseconds),
                        "p99Milliseconds": .double(figures.p99Milliseconds), "maxMilliseconds": .double(figures.maxMilliseconds),
                        "connectSeconds": .double(figures.connectSeconds),
                    ]).jsonText)
                return
            }
            print("\(figures.subscribers) WebSocket subscribers, \(figures.events) events, one every \(intervalMilliseconds) ms:")
            print("delivered \(figures.delivered) of \(figures.subscribers * figures.events) (all sockets open after \(Int(figures.connectSeconds)) s)")
            print(String(format: "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms", figures.p50Milliseconds, figures.p99Milliseconds, figures.maxMilliseconds))
        }
    }

    struct AuditBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Append N entries to a fresh audit log, then time inclusion proofs and a full verify.",
            discussion: "Example: dharma bench audit --entries 1000000")

        @Option(help: "Entries to append.") var entries = 100_000
        @Option(help: "Entries per transaction and signed checkpoint.") var batch = 10_000
        @Option(help: "Also run on this PostgreSQL database (postgres://USER@HOST:PORT/DATABASE; password from $PGPASSWORD), beside SQLite.")
        var database: String?
        @Flag(help: "Print the figures as JSON.") var json = false

        func run() async throws {
            guard entries >= 1, batch >= 1 else { throw ValidationError("--entries and --batch must be at least 1") }
            let runs = try await Benchmarks.audit(entries: entries, batch: batch, postgres: try postgresSettings(database))
            if json {
                print(
                    Value.list(
                        runs.map { timings in
                            .map([
                                "database": .string(timings.database), "entries": .int(entries), "batch": .int(batch),
                                "appendsPerSecond": .double(Double(entries) / max(seconds(timings.append), 1e-9)),
                                "proofMicroseconds": .double(timings.proofMicroseconds), "verifySeconds": .double(seconds(timings.verify)),
                                "verified": .bool(timings.verifiedOK),
                            ])
                        }
                    ).jsonText)
                return
            }
            for timings in runs {
                let appendsPerSecond = Double(entries) / max(seconds(timings.append), 1e-9)
                print("\(timings.database):")
                print(
                    String(
                        format: "  append: %d entries in %.2f s = %.0f entries/s (batches of %d, one signed checkpoint each)",
                        entries, seconds(timings.append), appendsPerSecond, batch))
                print(String(format: "  inclusion proof at %d entries: %.1f µs (mean of 200, read from stored hashes)", entries, timings.proofMicroseconds))
                print(String(format: "  full verify: %.2f s", seconds(timings.verify)) + (timings.verifiedOK ? " (ok)" : " (FAILED)"))
            }
        }
    }

    struct PlanBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Parse, validate, graph and plan a synthetic blueprint of N resources (and of N/10, for scaling).",
            discussion: "Example: dharma bench plan --resources 10000")

        @Option(help: "Resources in the synthetic blueprint.") var resources = 10_000
        @Option(help: "Runs; the best is reported.") var runs = 3
        @Flag(help: "Print the figures as JSON.") var json = false

        func run() async throws {
            guard resources >= 20, runs >= 1 else { throw ValidationError("--resources must be at least 20 and --runs at least 1") }
            let small = try best(resources / 10)
            let large = try best(resources)
            let ratio = seconds(large.total) / max(seconds(small.total), 1e-9)
            if json {
                print(
                    Value.map([
                        "runs": .list(
                            [small, large].map { timings in
                                .map([
                                    "resources": .int(timings.resources), "bytes": .int(timings.bytes),
                                    "parseMs": .double(seconds(timings.parse) * 1000), "validateMs": .double(seconds(timings.validate) * 1000),
                                    "graphMs": .double(seconds(timings.graph) * 1000), "planMs": .double(seconds(timings.plan) * 1000),
                                    "totalMs": .double(seconds(timings.total) * 1000),
                                ])
                            }), "scaling": .double(ratio),
                    ]).jsonText)
                return
            }
            print("resources  bytes      parse      validate   graph      plan       total")
            for timings in [small, large] {
                print(
                    [
                        String(timings.resources).padded(10) + " ", String(timings.bytes).padded(10) + " ", ms(timings.parse), ms(timings.validate),
                        ms(timings.graph), ms(timings.plan), ms(timings.total),
                    ].joined())
            }
            print(String(format: "scaling: time(%d) / time(%d) = %.2f (linear would be 10)", large.resources, small.resources, ratio))
        }

        private func best(_ count: Int) throws -> Benchmarks.PlanTimings {
            var best = try Benchmarks.plan(resources: count)
            for _ in 1..<runs {
                let next = try Benchmarks.plan(resources: count)
                if next.total < best.total { best = next }
            }
            return best
        }
    }

    struct ApplyBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Apply N storage.file resources into a temporary directory and state database.",
            discussion: "Example: dharma bench apply --files 1000")

        @Option(help: "Files to create.") var files = 1000
        @Option(help: "Resources applied at once.") var parallelism = 10
        @Flag(help: "Print the figures as JSON.") var json = false

        func run() async throws {
            guard files >= 1, parallelism >= 1 else { throw ValidationError("--files and --parallelism must be at least 1") }
            let timings = try await Benchmarks.apply(files: files, parallelism: parallelism)
            if json {
                print(
                    Value.map([
                        "files": .int(timings.files), "parallelism": .int(timings.parallelism),
                        "planMs": .double(seconds(timings.plan) * 1000), "applyMs": .double(seconds(timings.apply) * 1000),
                    ]).jsonText)
                return
            }
            print("files  parallelism  plan       apply")
            print([String(timings.files).padded(6) + " ", String(timings.parallelism).padded(12) + " ", ms(timings.plan), ms(timings.apply)].joined())
            print(
                String(
                    format: "apply throughput: %.0f resources/s (each written atomically and recorded in its own transaction)",
                    Double(timings.files) / max(seconds(timings.apply), 1e-9)))
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

private func ms(_ duration: Duration) -> String {
    String(format: "%.1f ms", seconds(duration) * 1000).padded(10) + " "
}

extension BenchCommand {
    struct ExportBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Generate every export format for a synthetic blueprint of N resources; prints the time per format.",
            discussion: "Example: dharma bench export --resources 5000")

        @Option(help: "Resources in the synthetic blueprint.") var resources = 5000
        @Option(help: "Runs per format; the best is reported.") var runs = 3
        @Flag(help: "Print the figures as JSON.") var json = false

        func run() async throws {
            guard resources >= 10, runs >= 1 else { throw ValidationError("--resources must be at least 10 and --runs at least 1") }
            let figures = try Benchmarks.export(resources: resources, runs: runs)
            if json {
                print(
                    Value.map([
                        "formats": .list(
                            figures.map {
                                .map(["format": .string($0.name), "resources": .int($0.resources), "seconds": .double($0.seconds), "bytes": .int($0.bytes)])
                            })
                    ]).jsonText)
                return
            }
            for figure in figures {
                print(
                    figure.name.padded(20)
                        + String(
                            format: "%6d resources  %7.1f ms  %6.1f MB  (best of %d)", figure.resources, figure.seconds * 1000,
                            Double(figure.bytes) / 1e6, runs))
            }
        }
    }

    struct ScanBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Time `dharma scan` and `checkov -d` on the same Terraform tree, side by side.",
            discussion: """
                Without DIR, writes a synthetic tree of --resources resources (security groups, buckets with split versioning/encryption resources, databases, volumes, IAM policies) across modules, and scans that.

                Example: dharma bench scan --resources 600
                """)

        @Argument(help: "A Terraform tree to scan (default: a synthetic one).") var directory: String?
        @Option(help: "Resources in the synthetic tree.") var resources = 600
        @Option(help: "Runs of dharma; the best is reported.") var runs = 3
        @Flag(help: "Do not run checkov.") var noCheckov = false

        func run() async throws {
            guard resources >= 10, runs >= 1 else { throw ValidationError("--resources must be at least 10 and --runs at least 1") }
            let figures = try Benchmarks.scan(directory: directory, resources: resources, runs: runs, checkov: !noCheckov)
            print(
                String(
                    format: "dharma scan    %6d resources  %5d findings  %8.1f ms  (best of %d, all %d rules)",
                    figures.resources, figures.findings, figures.seconds * 1000, runs, figures.rules))
            guard !noCheckov else { return }
            guard let checkov = figures.checkovSeconds else {
                print("checkov        not found on PATH (pip install checkov)")
                return
            }
            print(String(format: "checkov -d     %6d resources            %8.1f ms  (one run, all its Terraform checks)", figures.resources, checkov * 1000))
            print(String(format: "ratio          %.1f× faster", checkov / max(figures.seconds, 1e-9)))
        }
    }

    struct InsightBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "insight",
            abstract: "Ingest rate (memory and SQLite), bytes per sample, anomaly scoring rate, forecast time for a 10,000-point series.",
            discussion: "Example: dharma bench insight --samples 2000000")

        @Option(help: "Samples to ingest.") var samples = 2_000_000
        @Option(help: "Series they are spread over.") var series = 1000
        @Option(help: "Also ingest into this PostgreSQL database (postgres://USER@HOST:PORT/DATABASE; password from $PGPASSWORD).")
        var database: String?

        func run() async throws {
            guard samples >= 1000, series >= 1, series <= samples else {
                throw ValidationError("--samples must be at least 1000 and --series between 1 and --samples")
            }
            let figures = try await Benchmarks.insight(samples: samples, series: series, postgres: try postgresSettings(database))
            print(
                String(
                    format: "ingest, memory      %10.0f samples/s   (%d samples, %d series, Gorilla chunks of %d)", figures.ingestInMemory, figures.samples,
                    figures.series, SeriesBuffer.chunkSize))
            print(String(format: "ingest, persisted   %10.0f samples/s   (SQLite, WAL, chunks written in batches of 500)", figures.ingestPersisted))
            if let postgres = figures.ingestPostgres {
                print(String(format: "ingest, PostgreSQL  %10.0f samples/s   (the same batches, one transaction each)", postgres))
            }
            print(String(format: "compression         %10.2f bytes/sample (15 s interval, small integer wander)", figures.bytesPerSample))
            print(String(format: "anomaly scoring     %10.0f points/s    (pattern novelty with times, 1,000,000 points, one core)", figures.patternScoring))
            print(
                String(
                    format: "anomaly scoring     %10.0f points/s    (likelihood, 1,000,000 points, one core; checksum %.1f)", figures.likelihoodScoring,
                    figures.checksum))
            print(
                String(
                    format: "forecast            %10.1f ms           (10,000 points, horizon 48, %d candidate methods; chose %@)",
                    figures.forecastMilliseconds, figures.candidateMethods, figures.forecastMethods.joined(separator: "+")))
        }
    }
}

/// `--database` of a benchmark: the PostgreSQL to measure beside SQLite, its password from
/// `PGPASSWORD` when the URL has none.
private func postgresSettings(_ database: String?) throws -> PostgresSettings? {
    guard let database else { return nil }
    do {
        return try PostgresSettings.parse(database, source: "--database", fallbackPassword: ProcessInfo.processInfo.environment["PGPASSWORD"])
    } catch { throw ValidationError(error.description) }
}
