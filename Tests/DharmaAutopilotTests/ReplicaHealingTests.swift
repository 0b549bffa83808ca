import DharmaAutopilot
import DharmaNet
import DharmaTestKit
import DharmaTestSupport
import Foundation
import Testing

/// Replicas that live but misbehave: a hung one and a leaking one, each restarted on its own
/// while the others serve, with clients going through the proxy throughout.
@Suite("Autopilot: hung and leaking replicas", .serialized)
struct ReplicaHealingTests {
    func workloads() throws -> ScratchProject {
        try ScratchProject(blueprint(workloadService(grace: "3s")))
    }

    func ports(_ project: ScratchProject) async throws -> (proxy: Int, replicas: [Int]) {
        let state = try await project.engine.loadState(try project.prepare().stack)
        let outputs = state.resources["web"]?.outputs ?? [:]
        return (outputs["port"]?.intValue ?? 0, (outputs["ports"]?.listValue ?? []).compactMap(\.intValue))
    }

    /// Ticks a second at a time, at most 20 times, until incident 1 is resolved; the lines printed.
    func ticksUntilResolved(_ autopilot: Autopilot, _ clock: ManualClock) async -> [String] {
        var lines: [String] = []
        for _ in 0..<20 where !lines.contains(where: { $0.hasPrefix("incident 1 resolved") }) {
            lines += await autopilot.tick().lines
            clock.advance(1)
        }
        return lines
    }

    @Test("a replica that stops answering its health check is restarted by itself after three failed checks")
    func hungReplica() async throws {
        let project = try workloads()
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock, verifyWindow: 2)
            let before = try await project.pids(of: "web")
            let (_, replicas) = try await ports(project)
            #expect(LoopbackHTTP.post(port: replicas[1], path: "/fault/hang") == 200)
            let lines = await ticksUntilResolved(autopilot, clock)
            #expect(lines.first == "incident 1 opened (major): web: replica 1 fails the health check", "\(lines)")
            #expect(lines.contains("incident 1: restart-replica web (attempt 1)"), "\(lines)")
            #expect(lines.contains { $0.hasPrefix("incident 1 resolved") }, "\(lines)")
            let after = try await project.pids(of: "web")
            #expect(after[0] == before[0] && after[1] != before[1])
            let incident = try #require(try await project.incidents().first)
            #expect(incident.timeline.contains { $0.text.contains("graceful restart of replica 1 applied") })
            #expect(incident.timeline[0].text.contains("replica[1].health: answers GET /healthz → no answer within 1.0 s, 3 times in a row"))
            let actions = try await project.auditEntries().filter { $0.actor == "autopilot" }.map(\.action)
            #expect(actions == ["incident-open", "restart", "incident-resolve"])
        }
    }

    @Test("a replica whose port another program answers on is unhealthy, and is restarted on a free port")
    func portAnsweredByAnotherProgram() async throws {
        // The replica's listener is a child of its process: killed, it leaves the replica alive
        // and its port free for another program to take and answer on.
        let project = try ScratchProject(
            blueprint(
                """
                  web:
                    type: compute.service
                    properties:
                      command: [sh, -c, "python3 -m http.server ${self.port} --bind 127.0.0.1 & echo $! > listener.pid; exec sleep 600"]
                      health: {http: /, timeout: 20s}
                      stopGracePeriod: 1s
                """))
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock, verifyWindow: 2)
            let before = try await project.pids(of: "web")
            let (port, _) = try await ports(project)
            let listener = try String(contentsOfFile: project.directory + "/listener.pid", encoding: .utf8)
            kill(try #require(Int32(listener.trimmingCharacters(in: .whitespacesAndNewlines))), SIGKILL)
            #expect(await ReadinessProbe.portFrees(port))
            let stranger = Process()
            stranger.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            stranger.arguments = ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1"]
            stranger.standardOutput = FileHandle.nullDevice
            stranger.standardError = FileHandle.nullDevice
            try stranger.start()
            defer { stranger.stop() }
            let deadline = ContinuousClock.now + .seconds(20)
            while ReadinessProbe.httpStatus(port: port, path: "/") != 200, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(ReadinessProbe.httpStatus(port: port, path: "/") == 200, "the other program answers on the replica's port")
            let lines = await ticksUntilResolved(autopilot, clock)
            #expect(lines.first == "incident 1 opened (major): web: replica 0 fails the health check", "\(lines)")
            #expect(lines.contains("incident 1: restart-replica web (attempt 1)"), "\(lines)")
            #expect(lines.contains { $0.hasPrefix("incident 1 resolved") }, "\(lines)")
            let incident = try #require(try await project.incidents().first)
            #expect(
                incident.timeline[0].text.contains("answered by another program listening on port \(port), not by the replica, 3 times in a row"),
                "\(incident.timeline[0].text)")
            let (moved, _) = try await ports(project)
            #expect(moved != port, "the port is still taken, so the restarted replica listens on another")
            #expect(ReadinessProbe.httpStatus(port: moved, path: "/") == 200)
            #expect(try await project.pids(of: "web") != before)
        }
    }

    @Test("a replica whose memory grows steadily is drained and restarted with no failed client request")
    func leakingReplica() async throws {
        let project = try workloads()
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock, verifyWindow: 2)
            let before = try await project.pids(of: "web")
            let (proxy, replicas) = try await ports(project)
            let load = LoadGenerator(ports: [proxy], pause: 0)
            load.start()
            #expect(LoopbackHTTP.post(port: replicas[0], path: "/fault/leak") == 200)
            var lines: [String] = []
            for _ in 0..<80 where !lines.contains(where: { $0.hasPrefix("incident 1 resolved") }) {
                try await Task.sleep(for: .milliseconds(500))
                clock.advance(0.5)
                lines += await autopilot.tick().lines
            }
            let (answered, failed) = load.stop()
            #expect(lines.first == "incident 1 opened (major): web: replica 0 leaks memory", "\(lines)")
            #expect(lines.contains { $0.hasPrefix("incident 1 resolved") }, "\(lines)")
            #expect(answered > 50 && failed == 0, "\(answered) answered, \(failed) failed while the replica was drained and restarted")
            let after = try await project.pids(of: "web")
            #expect(after[0] != before[0] && after[1] == before[1])
            let evidence = try #require(try await project.incidents().first?.timeline.first?.text)
            #expect(evidence.contains("replica[0].memory") && evidence.contains("MiB/s"), "\(evidence)")
        }
    }
}
