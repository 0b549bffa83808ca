import DharmaNet
import DharmaProxy
import DharmaTestKit
import Foundation
import Testing

/// `dharma proxy` in front of real `dharma workload` processes.
@Suite("Load-balancing proxy: spread, failover, drain, backups, latency", .serialized)
struct ProxyCLITests {
    final class Fleet {
        var processes: [Process] = []
        let directory = scratchDirectory()

        func start(_ arguments: [String]) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestPaths.dharma)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.start()
            processes.append(process)
            return process
        }

        func workload() throws -> (port: Int, process: Process) {
            let port = try #require(PortAllocator.freePort())
            let process = try start(["workload", "--port", String(port)])
            try waitFor("workload on port \(port) to answer") { ReadinessProbe.httpStatus(port: port, path: "/healthz") == 200 }
            return (port, process)
        }

        func proxy(_ config: ProxyConfig) throws -> (port: Int, admin: Int, config: String) {
            let path = directory + "/proxy.json"
            try config.write(to: path)
            let port = try #require(PortAllocator.freePort())
            let admin = try #require(PortAllocator.freePort(avoiding: [port]))
            _ = try start(["proxy", "--port", String(port), "--admin-port", String(admin), "--config", path])
            try waitFor("proxy on port \(port) to listen") { ReadinessProbe.tcpAccepts(port: port) }
            return (port, admin, path)
        }

        func stopAll() {
            for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    /// Waits up to 30 s: starting the debug `dharma` can take over 10 s while the rest of the
    /// suite keeps this machine's two cores busy.
    static func waitFor(_ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TimedOut(description: "waited 30 s for \(what)")
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String
    }

    func status(_ admin: Int) throws -> ProxyStatus {
        try JSONDecoder().decode(ProxyStatus.self, from: Data(try http("GET", port: admin, path: "/status").body.utf8))
    }

    @Test func spreadsRequestsAndLosesNoneWhenAReplicaDies() throws {
        let fleet = Fleet()
        defer { fleet.stopAll() }
        let a = try fleet.workload(), b = try fleet.workload()
        let proxy = try fleet.proxy(
            ProxyConfig(
                generation: 1, backends: [.init(port: a.port, replica: 0), .init(port: b.port, replica: 1)],
                healthPath: "/healthz", healthInterval: 0.2))
        for _ in 0..<20 { #expect(try http("GET", port: proxy.port, path: "/").status == 200) }
        let spread = try status(proxy.admin).backends.map(\.requests)
        #expect(spread == [10, 10], "\(spread)")

        kill(a.process.processIdentifier, SIGKILL)
        a.process.waitUntilExit()
        let answers = try (0..<30).map { _ in try http("GET", port: proxy.port, path: "/").status }
        #expect(answers.allSatisfy { $0 == 200 }, "\(answers)")
        let after = try status(proxy.admin)
        #expect(after.failures == 0 && after.backends[0].healthy == false && after.backends[1].requests >= 40)
        let metrics = try http("GET", port: proxy.admin, path: "/metrics").body
        #expect(metrics.contains("dharma_proxy_requests_total{code=\"200\"} 50"), "\(metrics)")
    }

    @Test func drainsAReplicaFailsOverToABackupAndBackAndInjectsLatency() throws {
        let fleet = Fleet()
        defer { fleet.stopAll() }
        let a = try fleet.workload(), b = try fleet.workload(), standby = try fleet.workload()
        var config = ProxyConfig(
            generation: 1,
            backends: [
                .init(port: a.port, replica: 0), .init(port: b.port, replica: 1),
                .init(port: standby.port, backup: true),
            ],
            healthPath: "/healthz", healthInterval: 0.2)
        let proxy = try fleet.proxy(config)

        // Drain replica 0: once the proxy has the change, it gets nothing new.
        config.generation = 2
        config.backends[0].draining = true
        try config.write(to: proxy.config)
        try Self.waitFor("the proxy to load generation 2") { (try? status(proxy.admin).generation) == 2 }
        for _ in 0..<10 { #expect(try http("GET", port: proxy.port, path: "/").status == 200) }
        var now = try status(proxy.admin)
        #expect(now.backends.map(\.requests) == [0, 10, 0], "the backup idles while a primary is healthy")

        // Every primary down: the backup serves; a primary back: it serves again.
        kill(b.process.processIdentifier, SIGKILL)
        b.process.waitUntilExit()
        config.generation = 3
        config.backends[0].draining = false
        try config.write(to: proxy.config)
        kill(a.process.processIdentifier, SIGSTOP)
        defer { kill(a.process.processIdentifier, SIGCONT) }
        try Self.waitFor("the stopped replica 0 to be unhealthy") { (try? status(proxy.admin).backends[0].healthy) == false }
        for _ in 0..<5 { #expect(try http("GET", port: proxy.port, path: "/").status == 200) }
        now = try status(proxy.admin)
        #expect(now.backends[2].requests == 5 && now.failures == 0, "\(now)")
        kill(a.process.processIdentifier, SIGCONT)
        try Self.waitFor("the resumed replica 0 to be healthy") { (try? status(proxy.admin).backends[0].healthy) == true }
        for _ in 0..<4 { _ = try http("GET", port: proxy.port, path: "/") }
        #expect(try status(proxy.admin).backends.map(\.requests) == [4, 10, 5], "failback to the primary")

        config.generation = 4
        config.latencyMilliseconds = 300
        try config.write(to: proxy.config)
        try Self.waitFor("the proxy to load generation 4") { (try? status(proxy.admin).generation) == 4 }
        let started = Date()
        #expect(try http("GET", port: proxy.port, path: "/").status == 200)
        #expect(Date().timeIntervalSince(started) >= 0.3, "the injected latency is added")
    }

    @Test func aBackendsFileWrittenBeforeTheWatcherStartsIsStillRead() throws {
        // In-process, to hold open the moment between loading the file and watching it: a
        // busy machine can stretch it past the caller's first change (the service provider
        // writes one as soon as the proxy's port answers).
        let path = scratchDirectory() + "/proxy.json"
        try ProxyConfig(generation: 1, backends: [], healthPath: nil).write(to: path)
        let port = try #require(PortAllocator.freePort())
        let admin = try #require(PortAllocator.freePort(avoiding: [port]))
        let server = try ProxyServer(port: port, adminPort: admin, configPath: path)
        Thread.sleep(forTimeInterval: 0.05)
        try ProxyConfig(generation: 2, backends: [], healthPath: nil).write(to: path)
        Thread.detachNewThread { _ = try? server.run() }
        try Self.waitFor("the proxy to load generation 2") { (try? status(admin).generation) == 2 }
    }

    @Test func refusesWhatItCannotForwardAndSaysSo() throws {
        let fleet = Fleet()
        defer { fleet.stopAll() }
        let proxy = try fleet.proxy(ProxyConfig(generation: 1, backends: [], healthPath: nil))
        let none = try http("GET", port: proxy.port, path: "/")
        #expect(none.status == 503 && none.body.contains("no backend is available"))
        try "{broken".write(toFile: proxy.config, atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try status(proxy.admin).generation == 1, "a broken file leaves the last good backends in place")
        let bad = try dharma(["proxy", "--port", "1", "--admin-port", "2", "--config", fleet.directory + "/missing.json"])
        #expect(bad.status == 1 && bad.stderr.contains("missing.json"), "\(bad.stderr)")
    }
}
