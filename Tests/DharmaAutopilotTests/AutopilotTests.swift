import DharmaAudit
import DharmaAutopilot
import DharmaCore
import DharmaEngine
import DharmaNet
import DharmaStore
import DharmaTestSupport
import Foundation
import Testing

/// The control loop against real processes and a real state database; only the clock is the
/// test's, so back-off and verification take no real time.
@Suite("Autopilot: incidents, remediation, verification", .serialized)
struct AutopilotTests {
    /// Runs for 0.6 s, then exits with status 3: a crash loop.
    static let flakyService = """
          flaky:
            type: compute.service
            properties:
              command: [sh, -c, "sleep 0.6; exit 3"]
              stopGracePeriod: 1s
        """

    @Test("a killed replica opens an incident, is restarted, verified, and the incident resolves; all audited as autopilot")
    func crashIsHealed() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  db: {type: storage.file, properties: {path: db.json}}
                \(httpService)
                """))
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock)
            #expect(await autopilot.tick().isQuiet)

            let before = try await project.pids(of: "web")
            kill(before[1], SIGKILL)
            try await Task.sleep(for: .milliseconds(200))
            let first = await autopilot.tick()
            #expect(first.problems.isEmpty)
            #expect(first.lines.contains { $0.contains("opened (major): web: replica 1 of 2 not running") })
            #expect(first.lines.contains { $0.contains("restart web (attempt 1)") })
            let after = try await project.pids(of: "web")
            #expect(after[0] == before[0], "the healthy replica is left alone")
            #expect(after[1] != before[1] && kill(after[1], 0) == 0)

            clock.advance(1)
            #expect(await autopilot.tick().lines.isEmpty, "still inside the verification window")
            clock.advance(2.5)
            let resolved = await autopilot.tick()
            #expect(resolved.lines.contains { $0.hasPrefix("incident 1 resolved in 3.5 s") })

            let incident = try #require(try await project.incidents().first)
            #expect(incident.status == .resolved && incident.attempts == 1 && incident.symptom == .crash)
            #expect(incident.timeline.map(\.kind) == [.detected, .action, .resolved])
            #expect(incident.timeline[0].text.contains("replica[1].process: pid \(before[1]) running → not running"))
            #expect(try await project.outcomes().map { ["\($0.symptom)", "\($0.action)", "\($0.succeeded)"] } == [["crash", "restart", "true"]])

            let autopilotEntries = try await project.auditEntries().filter { $0.actor == "autopilot" }
            #expect(autopilotEntries.map(\.action) == ["incident-open", "remediate", "incident-resolve"])
            #expect(autopilotEntries[1].reason.contains("incident 1: restart — web: replica 1 of 2 not running"))
            #expect(await autopilot.openIncidents.isEmpty)
        }
    }

    @Test("restarting a service others refer to is a remediation of that service only, not a change to its dependents")
    func dependentsAreNotWantedChanges() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  db: {type: storage.file, properties: {path: db.json}}
                  api:
                    type: compute.service
                    properties:
                      command: [python3, -m, http.server, "${self.port}", --bind, 127.0.0.1]
                      health: {http: /, timeout: 20s}
                      stopGracePeriod: 2s
                \(httpService.replacingOccurrences(of: "env: {DB: \"${db.path}\"}", with: "env: {DB: \"${db.path}\", API: \"${api.url}\"}"))
                """))
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock)
            let web = try await project.pids(of: "web")
            kill(try #require(try await project.pids(of: "api").first), SIGKILL)
            try await Task.sleep(for: .milliseconds(200))
            let report = await autopilot.tick()
            #expect(report.lines.contains { $0.contains("restart api (attempt 1)") }, "\(report)")
            #expect(!report.lines.contains { $0.hasPrefix("reconciled") }, "\(report)")
            #expect(try await project.pids(of: "web") == web)
            clock.advance(1)
            #expect(await autopilot.tick().isQuiet, "the api came back on its port: nothing for web to change")
            #expect(try await project.auditEntries().last?.actor == "autopilot")
        }
    }

    @Test("replicas running hot are scaled out with the HPA formula behind the proxy, and scaled back in when the load goes")
    func scalesOutAndIn() async throws {
        let project = try ScratchProject(blueprint(workloadService(extra: "heal: {scale: {cpu: 5%, min: 2, max: 4, scaleDownAfter: 0s}}")))
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock, verifyWindow: 2)
            let state = try await project.engine.loadState(try project.prepare().stack)
            let replicaPorts = (state.resources["web"]?.outputs["ports"]?.listValue ?? []).compactMap(\.intValue)
            let proxyPort = try #require(state.resources["web"]?.outputs["port"]?.intValue)
            #expect(replicaPorts.count == 2 && !replicaPorts.contains(proxyPort))
            for port in replicaPorts { #expect(LoopbackHTTP.post(port: port, path: "/fault/cpu") == 200) }

            var lines: [String] = []
            for _ in 0..<60 where !lines.contains(where: { $0.contains("scale-out web") }) {
                try await Task.sleep(for: .milliseconds(500))
                clock.advance(0.5)
                lines += await autopilot.tick().lines
            }
            #expect(lines.contains { $0.contains("opened (major): web runs hot: CPU above its 5% target on 2 replicas") }, "\(lines)")
            let scaled = try await project.pids(of: "web")
            #expect(scaled.count > 2, "\(lines)")
            #expect(ReadinessProbe.httpStatus(port: proxyPort, path: "/healthz") == 200, "the proxy serves the new replicas too")

            for port in replicaPorts { #expect(LoopbackHTTP.post(port: port, path: "/fault/cpu") == 200) }
            // The scale-in may take a step or two while the CPU window cools down.
            for _ in 0..<80 where !lines.contains(where: { $0.contains("scaled web in") && $0.contains("→ 2 replicas") }) {
                try await Task.sleep(for: .milliseconds(500))
                clock.advance(0.5)
                lines += await autopilot.tick().lines
            }
            #expect(lines.contains { $0.hasPrefix("incident 1 resolved") }, "\(lines)")
            #expect(lines.contains { $0.contains("scaled web in: ") && $0.contains("→ 2 replicas") }, "\(lines)")
            #expect(try await project.pids(of: "web").count == 2)
            #expect(try await project.plan().hasChanges == false, "the plan keeps the count the autopilot applied")
            let actions = try await project.auditEntries().filter { $0.actor == "autopilot" }.map(\.action)
            #expect(Array(actions.prefix(4)) == ["incident-open", "remediate", "incident-resolve", "scale-in"], "\(actions)")
            #expect(actions.dropFirst(3).allSatisfy { $0 == "scale-in" }, "\(actions)")
        }
    }

    @Test("a replica that crashes by itself backs off per replica; one stopped from outside is replaced at once")
    func backoffPerReplica() async throws {
        let project = try ScratchProject(blueprint(workloadService()))
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock, verifyWindow: 1)
            func heal(_ replica: Int, crash: Bool) async throws -> [String] {
                let state = try await project.engine.loadState(try project.prepare().stack)
                let ports = (state.resources["web"]?.outputs["ports"]?.listValue ?? []).compactMap(\.intValue)
                if crash {
                    _ = LoopbackHTTP.post(port: ports[replica], path: "/fault/crash")
                } else {
                    kill(try await project.pids(of: "web")[replica], SIGKILL)
                }
                try await Task.sleep(for: .milliseconds(300))
                var lines: [String] = []
                for _ in 0..<30 where !lines.contains(where: { $0.contains("resolved") }) {
                    lines += await autopilot.tick().lines
                    clock.advance(1)
                }
                return lines
            }
            #expect(try await heal(0, crash: true).contains { $0.contains("resolved in 1.0 s") })
            #expect(try await heal(1, crash: true).contains { $0.contains("resolved in 1.0 s") }, "replica 1 has its own count")
            let again = try await heal(0, crash: true)
            #expect(again.contains { $0.contains("resolved in 11 s") }, "replica 0's second crash waits 10 s: \(again)")
            let killed = try await heal(0, crash: false)
            #expect(killed.contains { $0.contains("resolved in 1.0 s") }, "a replica killed from outside is replaced at once: \(killed)")
            let evidence = try await project.incidents().first?.timeline.first?.text ?? ""
            #expect(evidence.contains("not running (killed by SIGKILL)"), "\(evidence)")
        }
    }

    @Test("a service that keeps crashing is restarted with CrashLoopBackOff, and the incident stays open")
    func crashLoopBacksOff() async throws {
        let project = try ScratchProject(blueprint(Self.flakyService))
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock)

            try await Task.sleep(for: .milliseconds(900))
            #expect(await autopilot.tick().lines.contains { $0.contains("restart flaky (attempt 1)") })
            // It dies again: the fix did not hold, and the next restart waits 10 s.
            try await Task.sleep(for: .milliseconds(900))
            clock.advance(1)
            let again = await autopilot.tick()
            #expect(again.lines.contains { $0.contains("restart did not hold") })
            #expect(!again.lines.contains { $0.contains("attempt 2") })
            clock.advance(5)
            #expect(!(await autopilot.tick().lines.contains { $0.contains("attempt 2") }))
            clock.advance(5)
            #expect(await autopilot.tick().lines.contains { $0.contains("restart flaky (attempt 2)") })
            try await Task.sleep(for: .milliseconds(900))
            clock.advance(1)
            _ = await autopilot.tick()
            clock.advance(19)
            #expect(!(await autopilot.tick().lines.contains { $0.contains("attempt 3") }), "the second wait is 20 s")
            clock.advance(1)
            #expect(await autopilot.tick().lines.contains { $0.contains("restart flaky (attempt 3)") })

            let incident = try #require(try await project.incidents().first)
            #expect(incident.isOpen && incident.severity == .critical && incident.attempts == 3)
            #expect(incident.timeline.contains { $0.kind == .waiting && $0.text.contains("restart 2 waits 10 s after 1 in a row") })
            #expect(incident.timeline.contains { $0.kind == .waiting && $0.text.contains("restart 3 waits 20 s after 2 in a row") })
            #expect(try await project.outcomes().map(\.succeeded) == [false, false])
        }
    }

    @Test("while someone else holds the stack lock the autopilot only watches, and acts once it is released")
    func neverFightsAHuman() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  db: {type: storage.file, properties: {path: db.json}}
                \(httpService)
                """))
        try await project.apply()
        try await project.destroyingAfter {
            let stack = try project.prepare().stack
            // pid 1 stands for another live process applying to the stack.
            let person = LockHolder(pid: 1, host: LockHolder.current("apply").host, operation: "apply", since: Date().timeIntervalSince1970)
            #expect(try await project.engine.store.lock(stack, as: person) == .acquired)
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock)
            let before = try await project.pids(of: "web")
            kill(before[0], SIGKILL)
            try await Task.sleep(for: .milliseconds(200))
            for _ in 0..<3 {
                #expect(!(await autopilot.tick().lines.contains { $0.contains("restart") }))
                clock.advance(1)
            }
            #expect(try await project.pids(of: "web") == before, "nothing was applied under someone else's lock")
            let waiting = try #require(try await project.incidents().first)
            #expect(waiting.timeline.filter { $0.kind == .waiting }.count == 1)
            #expect(waiting.timeline.last?.text.contains("locked by pid 1") == true)

            try await project.engine.store.unlock(stack, holder: person)
            #expect(await autopilot.tick().lines.contains { $0.contains("restart web (attempt 1)") })
        }
    }

    @Test("an edited file is drift: reconciled and resolved; an ignored attribute is left alone; a blueprint edit is no incident")
    func driftAndWantedChanges() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  config: {type: storage.file, properties: {path: app.conf, content: "port=80"}}
                  notes: {type: storage.file, properties: {path: notes.txt, content: "hello"}, lifecycle: {ignoreChanges: [content]}}
                """))
        try await project.apply()
        let clock = ManualClock()
        let autopilot = try project.autopilot(clock: clock, verifyWindow: 1)
        try "port=8080".write(toFile: project.directory + "/app.conf", atomically: true, encoding: .utf8)
        try "scribbled".write(toFile: project.directory + "/notes.txt", atomically: true, encoding: .utf8)
        let first = await autopilot.tick()
        #expect(first.lines.contains { $0.contains("opened (minor): config drifted: content") })
        #expect(first.lines.contains { $0.contains("reconcile config (attempt 1)") })
        #expect(try String(contentsOfFile: project.directory + "/app.conf", encoding: .utf8) == "port=80")
        #expect(try String(contentsOfFile: project.directory + "/notes.txt", encoding: .utf8) == "scribbled")
        clock.advance(1)
        #expect(await autopilot.tick().lines.contains { $0.contains("resolved") })

        try project.rewrite(
            blueprint(
                """
                  config: {type: storage.file, properties: {path: app.conf, content: "port=81"}}
                  notes: {type: storage.file, properties: {path: notes.txt, content: "hello"}, lifecycle: {ignoreChanges: [content]}}
                """))
        #expect(await autopilot.tick().lines == ["reconciled 1 change"])
        #expect(try String(contentsOfFile: project.directory + "/app.conf", encoding: .utf8) == "port=81")
        #expect(try await project.incidents().count == 1)
        let reconcile = try #require(try await project.auditEntries().last)
        #expect(reconcile.actor != "autopilot" && reconcile.action == "reconcile")

        try await project.destroy()
        #expect(await autopilot.tick().destroyed)
    }

    @Test("a restarted autopilot picks up the open incident and its back-off")
    func resumesAfterRestart() async throws {
        let project = try ScratchProject(blueprint(Self.flakyService))
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            try await Task.sleep(for: .milliseconds(900))
            #expect(await (try project.autopilot(clock: clock)).tick().lines.contains { $0.contains("attempt 1") })
            try await Task.sleep(for: .milliseconds(900))
            clock.advance(2)
            let restarted = try project.autopilot(clock: clock)
            let report = await restarted.tick()
            #expect(!report.lines.contains { $0.contains("opened") }, "the same incident, not a new one")
            #expect(!report.lines.contains { $0.contains("attempt 2") }, "the back-off carried over")
            #expect(await restarted.openIncidents.map(\.id) == [1])
        }
    }
}
