import DharmaAutopilot
import DharmaCore
import DharmaInsight
import DharmaMetrics
import DharmaNet
import DharmaStore
import DharmaTestSupport
import Foundation
import Testing

/// Service-level objectives: SLIs read from a proxy's counters as the metrics store keeps
/// them, the workbook's burn-rate alerts, and the autopilot turning a burning budget into an
/// incident, against a real proxy in front of a real service.
@Suite("Service levels")
struct ServiceLevelTests {
    static let stack = StackID(name: "test", environment: "default")
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Writes the proxy counters a scrape every minute would have recorded over `minutes`,
    /// where `perMinute(m)` gives minute m's requests, 5xx answers and answers slower than
    /// 300 ms (m counts back from now: 0 is the last minute).
    func record(
        minutes: Int, into store: any MetricsStore, restartAt restart: Int? = nil,
        perMinute: (Int) -> (requests: Double, errors: Double, slow: Double)
    ) async throws {
        var buffer = SeriesBuffer()
        let labels = ["stack": Self.stack.description, "resource": "web", "replica": "proxy"]
        var ok = 0.0
        var failed = 0.0
        var all = 0.0
        var fast = 0.0
        for step in 0...minutes {
            let minute = minutes - step
            if minute == restart { (ok, failed, all, fast) = (0, 0, 0, 0) }
            if step > 0 {
                let (requests, errors, slow) = perMinute(minute)
                ok += requests - errors
                failed += errors
                all += requests
                fast += requests - slow
            }
            let time = Int64(now.timeIntervalSince1970 * 1000) - Int64(minute) * 60_000
            buffer.append(SeriesKey(name: "dharma_proxy_requests_total", labels: labels.merging(["code": "200"]) { $1 }), Sample(time: time, value: ok))
            buffer.append(SeriesKey(name: "dharma_proxy_requests_total", labels: labels.merging(["code": "503"]) { $1 }), Sample(time: time, value: failed))
            buffer.append(SeriesKey(name: "dharma_proxy_request_duration_seconds_count", labels: labels), Sample(time: time, value: all))
            buffer.append(
                SeriesKey(name: "dharma_proxy_request_duration_seconds_bucket", labels: labels.merging(["le": "0.3"]) { $1 }), Sample(time: time, value: fast))
        }
        try await MetricsRepository(store: store).write(&buffer)
    }

    func status(_ store: any MetricsStore) async throws -> ServiceLevelStatus {
        try await ServiceLevelReader(metrics: MetricsRepository(store: store)).status(
            of: "web", in: Self.stack, objective: ServiceLevelObjective(availability: 0.999, latencyP99: 0.3, window: 86_400), now: now)
    }

    func scratchStore() throws -> any MetricsStore {
        let project = try ScratchProject(blueprint(workloadService()))
        guard let store = project.engine.store as? any MetricsStore else { throw FixtureError("the project store keeps no metrics") }
        return store
    }

    @Test("SLIs, budget and burn rates come from the proxy's counters, across a restart of the proxy")
    func indicatorsFromCounters() async throws {
        let store = try scratchStore()
        // A day at 1,000 requests a minute; 2 % failing in the last 10 minutes, and 5 % slow
        // in the last hour. The proxy restarted 20 minutes ago, so its counters began again.
        try await record(minutes: 1_440, into: store, restartAt: 20) { minute in
            (1_000, minute < 10 ? 20 : 0, minute < 60 ? 50 : 0)
        }
        let status = try await status(store)
        #expect(status.events.requests == 1_440_000)
        #expect(status.events.errors == 200)
        #expect(status.events.slow == 3_000)
        // 200 of 1.44 M failed: 0.139 of the 0.1 % budget is spent.
        #expect(abs((status.budgetRemaining(.availability) ?? 0) - (1 - 200 / 1_440_000 / 0.001)) < 1e-9)
        #expect(abs((status.achieved(.latency) ?? 0) - (1 - 3_000 / 1_440_000)) < 1e-9)
        // 5 min: 2 % errors is 20× the budget; 1 h: 200 of 60,000 is 3.3×.
        #expect(abs((status.burnRate(.availability, over: 300) ?? 0) - 20) < 1e-9)
        #expect(abs((status.burnRate(.availability, over: 3_600) ?? 0) - 200 / 60_000 / 0.001) < 1e-9)
        // 5 % slow against a 1 % budget: 5× over the hour, and 5 × 60/360 over six hours.
        #expect(abs((status.burnRate(.latency, over: 3_600) ?? 0) - 5) < 1e-9)
        #expect(abs((status.burnRate(.latency, over: 21_600) ?? 0) - 5.0 / 6) < 1e-9)
        // 20× over 5 min but 3.3× over the hour: a blip does not page.
        #expect(status.alerts.isEmpty)
    }

    @Test("the fast alert needs both the hour and the last five minutes over 14.4×, and the slow one six hours and 30 minutes over 6×")
    func multiWindowAlerts() async throws {
        let burning = try scratchStore()
        // 2 % failing for the last 50 minutes: 20× over every window up to an hour.
        try await record(minutes: 400, into: burning) { minute in (1_000, minute < 50 ? 20 : 0, 0) }
        let fast = try await status(burning)
        #expect(fast.alerts.map(\.name) == ["availability fast burn"])
        let alert = try #require(fast.alerts.first)
        #expect(alert.summary.hasPrefix("availability error budget burning 16.7× over 1 h and 20.0× over 5 min (alert at 14.4×)"))

        let stopped = try scratchStore()
        // The same burst, ended 10 minutes ago: the hour still burns, the last five minutes do not.
        try await record(minutes: 400, into: stopped) { minute in (1_000, (10..<60).contains(minute) ? 20 : 0, 0) }
        #expect(try await status(stopped).alerts.isEmpty)

        let slow = try scratchStore()
        // 8 % slow over six hours: 8× the latency budget, below the fast rule's 14.4×.
        try await record(minutes: 400, into: slow) { minute in (1_000, 0, minute < 360 ? 80 : 0) }
        let slowStatus = try await status(slow)
        #expect(slowStatus.alerts.map(\.name) == ["latency slow burn"])
    }

    @Test("a service with an SLO runs behind its proxy with one replica, with latency buckets around the objective")
    func proxiedForItsObjective() async throws {
        let project = try ScratchProject(blueprint(workloadService(replicas: 1, extra: "slo: {latencyP99: 300ms}")))
        try await project.apply()
        try await project.destroyingAfter {
            let state = try await project.engine.loadState(try project.prepare().stack)
            let web = try #require(state.resources["web"])
            let admin = try #require(web.outputs["proxy"]?.mapValue?["adminPort"]?.intValue)
            // Inherited fields come from the default objective, stated ones from the service.
            let objective = try #require(ServiceLevelObjective(web.inputs["slo"]))
            #expect(objective.availability == 0.999 && objective.latencyP99 == 0.3 && objective.window == 30 * 86_400)
            let metrics = try #require(LoopbackHTTP.get(port: admin, path: "/metrics", timeout: 5))
            for bound in ["0.15", "0.225", "0.27", "0.3", "0.33", "0.375", "0.45", "0.6"] {
                #expect(metrics.body.contains("dharma_proxy_request_duration_seconds_bucket{le=\"\(bound)\"}"), "bucket \(bound)")
            }
        }
    }

    @Test("a service answering 503s burns its budget: the autopilot opens a critical incident and changes nothing")
    func burningBudgetOpensAnIncident() async throws {
        let project = try ScratchProject(blueprint(workloadService(replicas: 1, extra: "slo: {availability: 99.5%}")))
        try await project.apply()
        try await project.destroyingAfter {
            let stack = try project.prepare().stack
            let state = try await project.engine.loadState(stack)
            let web = try #require(state.resources["web"])
            let proxyPort = try #require(web.outputs["port"]?.intValue)
            let replicaPort = try #require(web.outputs["ports"]?.listValue?.first?.intValue)
            let store = try #require(project.engine.store as? any MetricsStore)
            let scraper = MetricsScraper(timeout: 5)
            func scrape() async throws {
                var round = await scraper.round(try await MetricsScraper.targets(of: stack, in: project.engine.store))
                #expect(round.failures.isEmpty, "every target of the scrape answered")
                try await MetricsRepository(store: store).write(&round.buffer)
            }
            try await scrape()
            for _ in 0..<20 { #expect(LoopbackHTTP.get(port: proxyPort, path: "/", timeout: 5)?.status == 200) }
            #expect(LoopbackHTTP.post(port: replicaPort, path: "/fault/errors?on=1") == 200)
            for _ in 0..<20 { #expect(LoopbackHTTP.get(port: proxyPort, path: "/", timeout: 5)?.status == 503) }
            try await Task.sleep(for: .milliseconds(5))  // the next scrape's samples get a later millisecond
            try await scrape()

            let clock = ManualClock(Date().timeIntervalSince1970)
            let autopilot = try project.autopilot(clock: clock)
            let lines = await autopilot.tick().lines
            #expect(lines == ["incident 1 opened (critical): web: availability error budget burning 100.0× over 1 h and 100.0× over 5 min (alert at 14.4×)"])
            let levels = await autopilot.serviceLevels
            #expect(levels.first?.events.requests == 40)
            #expect(levels.first?.events.errors == 20)
            let incident = try #require(try await project.incidents().first)
            #expect(incident.symptom == .sloBurn && incident.action == .notify && incident.burning == ["availability fast burn"])
            // Ticks go on without acting: the stack is left as it is.
            clock.advance(1)
            #expect(await autopilot.tick().lines.isEmpty)
            #expect(try await project.pids(of: "web") == (web.outputs["pids"]?.listValue ?? []).compactMap(\.intValue).map(Int32.init))
        }
    }
}
