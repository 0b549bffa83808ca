import DharmaTestKit
import Foundation
import Testing

@Suite struct InsightCLITests {
    @Test func anomalyEvaluationScoresAllProfilesAndWritesNABResultFiles() throws {
        let out = scratchDirectory()
        let result = try dharma(["insight", "eval", "anomaly", "--data", TestPaths.sharedData + "/nab", "--scores-out", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout)
        #expect(report["files"] as? Int == 58)
        let profiles = report["profiles"] as? [String: [String: Any]] ?? [:]
        #expect(Set(profiles.keys) == ["standard", "reward_low_FP_rate", "reward_low_FN_rate"])
        for (_, profile) in profiles { #expect((profile["score"] as? Double).map { $0 > 0 && $0 <= 100 } == true) }
        #expect(report["detector"] as? String == "pattern" && report["range"] as? String == "file")
        // Measured 76.18 (73.09 when every new step counts fully, 74.87 when memory never
        // fades); a change that loses detections falls below this.
        #expect((profiles["standard"]?["score"] as? Double ?? 0) > 75.5)
        let csv = try String(contentsOfFile: out + "/dharma/realKnownCause/dharma_nyc_taxi.csv", encoding: .utf8)
        #expect(csv.hasPrefix("timestamp,value,anomaly_score,label\n2014-07-01 00:00:00,10844.0,"))
        #expect(csv.contains(",1\n"), "rows inside windows are labelled 1")
    }

    @Test func theLearnedRangeAndTheLikelihoodDetectorAreScoredTooAndBadSettingsAreRefused() throws {
        let learned = try dharma(["insight", "eval", "anomaly", "--data", TestPaths.sharedData + "/nab", "--range", "learned", "--json"])
        #expect(learned.status == 0, "\(learned.stderr)")
        let report = try json(learned.stdout)
        #expect(report["range"] as? String == "learned")
        let standard = (report["profiles"] as? [String: [String: Any]])?["standard"]?["score"] as? Double ?? 0
        #expect(standard > 62, "measured 69.36 with no look at a file's later values")
        let noDaily = try dharma(["insight", "eval", "anomaly", "--data", TestPaths.sharedData + "/nab", "--setting", "dailyWeight=0", "--json"])
        let withoutDaily = (try json(noDaily.stdout)["profiles"] as? [String: [String: Any]])?["standard"]?["score"] as? Double ?? 100
        #expect(withoutDaily < 73, "the daily channel is worth about 4 points (measured 71.92 without it)")
        let everyStep = try dharma(["insight", "eval", "anomaly", "--data", TestPaths.sharedData + "/nab", "--setting", "ordinaryWeight=1", "--json"])
        let unweighed = (try json(everyStep.stdout)["profiles"] as? [String: [String: Any]])?["standard"]?["score"] as? Double ?? 100
        #expect(unweighed < 75, "weighing new steps by how far out they lie is worth about 3 points (measured 73.09 without it)")
        let lasting = try dharma(["insight", "eval", "anomaly", "--data", TestPaths.sharedData + "/nab", "--setting", "memorySpan=0", "--json"])
        let remembered = (try json(lasting.stdout)["profiles"] as? [String: [String: Any]])?["standard"]?["score"] as? Double ?? 100
        #expect(remembered < 75.5, "a fading memory is worth about 1.3 points (measured 74.87 without it)")
        let likelihood = try dharma(["insight", "eval", "anomaly", "--data", TestPaths.sharedData + "/nab", "--detector", "likelihood", "--json"])
        #expect(likelihood.status == 0)
        #expect(try json(likelihood.stdout)["detector"] as? String == "likelihood")
        let unknown = try dharma(["insight", "eval", "anomaly", "--data", TestPaths.sharedData + "/nab", "--setting", "novelty=3"])
        #expect(unknown.status == 2 && unknown.stderr.contains("not a setting of the pattern detector"), "\(unknown.stderr)")
        let huge = try dharma(["insight", "eval", "anomaly", "--data", TestPaths.sharedData + "/nab", "--setting", "levels=1e300"])
        #expect(huge.status == 2 && huge.stderr.contains("at most 1e9"), "\(huge.stderr)")
    }

    @Test func aMalformedCSVRowIsNamedByLine() throws {
        let directory = scratchDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/data/x", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/labels", withIntermediateDirectories: true)
        try "{\"x/a.csv\": []}".write(toFile: directory + "/labels/combined_windows.json", atomically: true, encoding: .utf8)
        try "timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,oops\n".write(toFile: directory + "/data/x/a.csv", atomically: true, encoding: .utf8)
        let result = try dharma(["insight", "eval", "anomaly", "--data", directory])
        #expect(result.status == 2)
        #expect(result.stderr.contains("a.csv:3: expected `timestamp,value`"), "\(result.stderr)")
        // The daily channel needs the time of each row, so a timestamp that is not one is named too.
        try "timestamp,value\n2020-01-01 00:00:00,1\nyesterday,2\n".write(toFile: directory + "/data/x/a.csv", atomically: true, encoding: .utf8)
        let badTime = try dharma(["insight", "eval", "anomaly", "--data", directory])
        #expect(badTime.status == 2 && badTime.stderr.contains("a.csv:3: expected `timestamp,value`, found `yesterday,2`"), "\(badTime.stderr)")
    }
}

@Suite(.serialized) struct MetricsCLITests {
    func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.start()
        return process
    }

    @Test func scrapeStoresWhatTargetsExposeWhileHangingAndGarbageTargetsOnlyCountAsErrors() throws {
        let directory = scratchDirectory()
        let port = Int.random(in: 20_000...30_000)
        let workload = try launch([TestPaths.dharma, "workload", "--port", String(port)])
        let hanging = try launch([
            "python3", "-c",
            "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', \(port + 1))); s.listen(5); c=s.accept(); time.sleep(30)",
        ])
        let garbage = try launch([
            "python3", "-c",
            """
            import http.server
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.end_headers(); self.wfile.write(b'<<<{{not metrics}}>>>\\n')
                def log_message(self, *a): pass
            http.server.HTTPServer(('127.0.0.1', \(port + 2)), H).serve_forever()
            """,
        ])
        // SIGKILL: the test runner blocks SIGTERM, and children launched by Foundation inherit
        // that, so a terminate() would leave the python servers running after the test.
        defer { for process in [workload, hanging, garbage] { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        for _ in 0..<100 where (try? http("GET", port: port, path: "/healthz")) == nil { usleep(50_000) }
        usleep(300_000)
        _ = try http("GET", port: port, path: "/work?ms=1")
        let state = directory + "/m.db"
        let started = Date()
        let scrape = try dharma([
            "metrics", "scrape", "http://127.0.0.1:\(port)/metrics", "http://127.0.0.1:\(port + 1)/metrics",
            "http://127.0.0.1:\(port + 2)/metrics", "--label", "resource=web", "--timeout", "1s", "--interval", "1s",
            "--rounds", "2", "--state", state,
        ])
        #expect(scrape.status == 0, "\(scrape.stderr)")
        #expect(scrape.stdout.contains("round 2:") && scrape.stdout.contains("from 1 of 3 targets, 2 failed"), "\(scrape.stdout)")
        #expect(Date().timeIntervalSince(started) < 15, "a hanging target is cut off by its timeout")
        let query = try dharma([
            "metrics", "query", #"dharma_workload_requests_total{resource="web",path="/work"}"#, "--since", "10m", "--state", state, "--json",
        ])
        let rows = try json(query.stdout)["rows"] as? [[String: Any]] ?? []
        #expect(rows.first?["value"] as? Double == 1 && rows.first?["samples"] as? Int == 2, "\(query.stdout)")
    }

    @Test func anomaliesFindsTheOneSpikeInAFamiliarWaveAndRefusesABadRange() throws {
        let directory = scratchDirectory()
        var csv = "timestamp,value\n"
        let start = Date(timeIntervalSince1970: 1_704_067_200)
        let format = DateFormatter()
        format.dateFormat = "yyyy-MM-dd HH:mm:ss"
        format.timeZone = TimeZone(identifier: "UTC")
        for minute in 0..<1000 {
            // An hourly wave with a little deterministic jitter.
            let wave = 40 + 10 * sin(Double(minute) * 2 * .pi / 60) + Double(minute * 7919 % 100) / 100
            csv += format.string(from: start.addingTimeInterval(Double(minute) * 60)) + "," + String(minute == 800 ? 95 : wave) + "\n"
        }
        try csv.write(toFile: directory + "/cpu.csv", atomically: true, encoding: .utf8)
        let database = directory + "/m.db"
        #expect(try dharma(["metrics", "import", directory + "/cpu.csv", "--name", "cpu", "--label", "resource=web", "--state", database]).status == 0)
        for range in [[], ["--range", "0:100"]] {
            let found = try dharma(
                ["metrics", "anomalies", #"cpu{resource="web"}"#, "--since", "2d", "--until", "1704153600", "--json", "--state", database] + range)
            #expect(found.status == 0, "\(found.stderr)")
            let series = try json(found.stdout)["series"] as? [[String: Any]] ?? []
            let alarms = series.first?["alarms"] as? [[String: Any]] ?? []
            #expect(alarms.count == 1, "\(range): \(alarms)")
            #expect(alarms.first?["time"] as? Int == 1_704_067_200_000 + 800 * 60_000, "the alarm is the spike at minute 800")
        }
        let bad = try dharma(["metrics", "anomalies", "cpu", "--range", "5:1", "--state", database])
        #expect(bad.status == 2 && bad.stderr.contains("--range 5:1"), "\(bad.stderr)")
        let short = try dharma(["metrics", "anomalies", "cpu", "--since", "2d", "--until", "1704153600", "--learning", "5000", "--state", database])
        #expect(short.status == 0 && short.stdout.contains("too few to learn from"), "\(short.stdout)")
    }

    @Test func anomaliesForgetWhatTheSeriesHasNotDoneForLongerThanMemory() throws {
        // An hourly wave, one sample a minute, with the same hour-long excursion to 85 on day one
        // and, at the same phase of the wave, 34 hours later.
        let directory = scratchDirectory()
        var csv = "timestamp,value\n"
        let start = 1_704_067_200
        let format = DateFormatter()
        format.dateFormat = "yyyy-MM-dd HH:mm:ss"
        format.timeZone = TimeZone(identifier: "UTC")
        for minute in 0..<2700 {
            let wave = 40 + 10 * sin(Double(minute) * 2 * .pi / 60) + Double(minute * 7919 % 100) / 100
            let away = (400..<460).contains(minute) || (2440..<2500).contains(minute)
            csv += format.string(from: Date(timeIntervalSince1970: Double(start + minute * 60))) + "," + String(away ? 85 : wave) + "\n"
        }
        try csv.write(toFile: directory + "/cpu.csv", atomically: true, encoding: .utf8)
        let database = directory + "/m.db"
        #expect(try dharma(["metrics", "import", directory + "/cpu.csv", "--name", "cpu", "--state", database]).status == 0)
        func alarmMinutes(_ memory: [String]) throws -> [Int] {
            let found = try dharma(
                ["metrics", "anomalies", "cpu", "--since", "3d", "--until", String(start + 2700 * 60), "--range", "0:100", "--json", "--state", database]
                    + memory)
            #expect(found.status == 0, "\(found.stderr)")
            let series = try json(found.stdout)["series"] as? [[String: Any]] ?? []
            let alarms = series.first?["alarms"] as? [[String: Any]] ?? []
            return alarms.compactMap { ($0["time"] as? Int).map { ($0 / 1000 - start) / 60 } }
        }
        #expect(try alarmMinutes([]) == [400], "remembered for 7 days, the second excursion is familiar")
        #expect(try alarmMinutes(["--memory", "6h"]) == [400, 2440], "forgotten after 12 hours, it is new again")
        #expect(try alarmMinutes(["--memory", "0"]) == [400])
        let bad = try dharma(["metrics", "anomalies", "cpu", "--memory", "soon", "--state", database])
        #expect(bad.status == 2 && bad.stderr.contains("--memory soon: write a duration"), "\(bad.stderr)")
    }

    @Test func importsThenQueriesAndNamesBadRows() throws {
        let directory = scratchDirectory()
        try "timestamp,value\n2024-01-01 00:00:00,10\n2024-01-01 00:01:00,20\n2024-01-01 00:02:00,oops\n2024-01-01 00:03:00,30\n"
            .write(toFile: directory + "/disk.csv", atomically: true, encoding: .utf8)
        let imported = try dharma(["metrics", "import", directory + "/disk.csv", "--name", "disk_used", "--label", "host=a", "--state", directory + "/m.db"])
        #expect(imported.status == 2, "a bad row makes the exit code say so")
        #expect(imported.stdout.contains("Imported 3 samples of 1 series"))
        #expect(imported.stderr.contains("disk.csv:4: `oops`"), "\(imported.stderr)")
        let average = try dharma(["metrics", "query", #"avg(disk_used{host="a"})"#, "--since", "1h", "--until", "1704067500", "--state", directory + "/m.db"])
        #expect(average.stdout.contains("20.0  (3 samples)"), "\(average.stdout)")
        let bad = try dharma(["metrics", "query", "avg(disk_used", "--state", directory + "/m.db"])
        #expect(bad.status == 2 && bad.stderr.contains("not closed"))
    }
}

@Suite struct StackScrapeTests {
    @Test func scrapingABlueprintLabelsEveryReplicaWithStackResourceAndReplica() throws {
        let directory = scratchDirectory()
        let path = try writeBlueprint(
            "shop.yaml", in: directory, stack: "shop",
            resources: """
                  web:
                    type: compute.service
                    properties:
                      command: [\(TestPaths.dharma), workload, --port, "${self.port}"]
                      replicas: 2
                      health: {http: /healthz, timeout: 20s}
                """)
        let applied = try dharma(["apply", path, "--auto-approve"])
        #expect(applied.status == 0, "\(applied.stderr)")
        defer { _ = try? dharma(["destroy", path, "--auto-approve"]) }
        let scrape = try dharma(["metrics", "scrape", "-f", path, "--interval", "1s", "--rounds", "1"])
        // Both replicas, and the proxy in front of them.
        #expect(scrape.status == 0 && scrape.stdout.contains("from 3 of 3 targets"), "\(scrape.stdout)\(scrape.stderr)")
        let query = try dharma([
            "metrics", "query", #"max(process_resident_memory_bytes{stack="shop/default"}) by (resource, replica)"#,
            "--since", "5m", "-f", path, "--json",
        ])
        let rows = try json(query.stdout)["rows"] as? [[String: Any]] ?? []
        #expect(rows.compactMap { ($0["labels"] as? [String: String])?["replica"] }.sorted() == ["0", "1"], "\(query.stdout)")
        #expect(rows.allSatisfy { ($0["labels"] as? [String: String])?["resource"] == "web" && ($0["value"] as? Double ?? 0) > 1_000_000 })
    }
}

@Suite struct UpScrapeTests {
    @Test func upCollectsEveryReplicasMetricsWhileItSupervisesAndRejectsABadInterval() throws {
        let directory = scratchDirectory()
        let path = try writeBlueprint(
            "shop.yaml", in: directory, stack: "shop",
            resources: """
                  web:
                    type: compute.service
                    properties:
                      command: [\(TestPaths.dharma), workload, --port, "${self.port}"]
                      replicas: 2
                      health: {http: /healthz, timeout: 20s}
                """)
        let bad = try dharma(["up", path, "--scrape-interval", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("--scrape-interval soon"), "\(bad.stderr)")

        let out = Pipe()
        let up = try startDharma(["up", path, "--scrape-interval", "1s"], output: out)
        defer { _ = try? dharma(["destroy", path, "--auto-approve"]) }
        // Wait (up to a minute on a busy machine) until both replicas have been scraped twice.
        var rows: [[String: Any]] = []
        for _ in 0..<120 where rows.count < 2 || rows.contains(where: { ($0["samples"] as? Int ?? 0) < 2 }) {
            Thread.sleep(forTimeInterval: 0.5)
            let query = try dharma(["metrics", "query", #"process_resident_memory_bytes{stack="shop/default"}"#, "--since", "5m", "-f", path, "--json"])
            rows = (try? json(query.stdout))?["rows"] as? [[String: Any]] ?? []
        }
        up.interrupt()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        up.waitUntilExit()
        #expect(up.terminationStatus == 0)
        #expect(printed.contains("collecting metrics from 2 replicas and 1 proxy every 1s"), "\(printed)")
        #expect(rows.compactMap { ($0["labels"] as? [String: String])?["replica"] }.sorted() == ["0", "1"], "\(rows)")
        #expect(rows.allSatisfy { ($0["labels"] as? [String: String])?["resource"] == "web" && ($0["samples"] as? Int ?? 0) >= 2 }, "\(rows)")
    }
}

@Suite struct ForecastCLITests {
    @Test func aFillingDiskGetsItsTimeToFullAndMonthEndSpendIsCheckedAgainstTheBudget() throws {
        let directory = scratchDirectory()
        let now = Int(Date().timeIntervalSince1970)
        var csv = "timestamp,value\n"
        for hour in 0..<200 { csv += "\(now - (200 - hour) * 3600),\(30 + 0.25 * Double(hour) + Double(hour % 3) * 0.1)\n" }
        try csv.write(toFile: directory + "/disk.csv", atomically: true, encoding: .utf8)
        let state = directory + "/m.db"
        _ = try dharma(["metrics", "import", directory + "/disk.csv", "--name", "disk_used_percent", "--state", state])
        let forecast = try dharma(["metrics", "forecast", "disk_used_percent", "--since", "30d", "--capacity", "100", "--state", state, "--json"])
        #expect(forecast.status == 0, "\(forecast.stderr)")
        let hours = (try json(forecast.stdout)["exhaustionHours"] as? [String: Any])?["expected"] as? Double ?? 0
        #expect(abs(hours - 81) < 8, "79.75 % and +0.25 %/h: about 81 hours, got \(hours)")

        var spend = "date,cost\n"
        for day in 1...30 { spend += String(format: "2026-10-%02d,%.2f\n", day, 16 + Double(day % 7) * 0.5) }
        for day in 1...10 { spend += String(format: "2026-11-%02d,%.2f\n", day, 16 + Double((day + 30) % 7) * 0.5) }
        try spend.write(toFile: directory + "/spend.csv", atomically: true, encoding: .utf8)
        var blueprint = try String(contentsOfFile: TestPaths.repository + "/examples/aws-3tier.yaml", encoding: .utf8)
        blueprint = blueprint.replacingOccurrences(of: "  owner: team-payments\n", with: "  owner: team-payments\n  budget: {monthly: 500, currency: USD}\n")
        try blueprint.write(toFile: directory + "/shop.yaml", atomically: true, encoding: .utf8)
        let cost = try dharma(["cost", directory + "/shop.yaml", "--spend", directory + "/spend.csv"])
        #expect(cost.status == 3, "about $17.5 a day for 30 days crosses $500: \(cost.stdout)\(cost.stderr)")
        #expect(cost.stdout.contains("month-end forecast $5"), "\(cost.stdout)")
        #expect(cost.stderr.contains("crosses the budget of $500.00"))
    }
}
