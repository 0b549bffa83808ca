import DharmaNet
import DharmaTestKit
import Foundation
import Testing

/// `dharma chaos` against a stack brought up with `dharma up --once` (no autopilot), so what
/// the probes see is the proxy and the faults alone.
@Suite("Chaos experiments: faults, probes, abort, kill switch, leftovers", .serialized)
struct ChaosCLITests {
    let environment = ["DHARMA_EXECUTABLE": TestPaths.dharma]

    func stack() throws -> String {
        let directory = scratchDirectory()
        try writeBlueprint(
            "shop.yaml", in: directory, stack: "shop",
            resources: """
                  web:
                    type: compute.service
                    properties:
                      command: [\(TestPaths.dharma), workload, --port, "${self.port}"]
                      replicas: 2
                      health: {http: /healthz, timeout: 20s}
                      stopGracePeriod: 2s
                """)
        let up = try dharma(["up", "shop.yaml", "--once"], in: directory, environment: environment)
        #expect(up.status == 0, "\(up.stderr)")
        return directory
    }

    func experiment(_ method: String, in directory: String, name: String = "e.yaml", within: String = "1s", settle: String = "5s") throws -> String {
        try """
        apiVersion: dharma.dev/v3
        kind: Experiment
        metadata: {name: test}
        blueprint: shop.yaml
        steadyState:
          - name: web answers
            http: {resource: web, path: /healthz, status: 200, within: \(within)}
        method:
        \(method)
        abort: [web answers]
        probeInterval: 200ms
        settle: \(settle)
        rollback: false
        """.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        return name
    }

    func webPids(_ directory: String) throws -> [Int32] {
        let show = try json(try dharma(["state", "show", "web", "-f", "shop.yaml", "--json"], in: directory).stdout)
        let outputs = show["outputs"] as? [String: Any] ?? [:]
        let proxy = (outputs["proxy"] as? [String: Any])?["pid"] as? Int
        return ((outputs["pids"] as? [Int] ?? []) + (proxy.map { [$0] } ?? [])).map(Int32.init)
    }

    func stopped(_ pid: Int32) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "T"
    }

    @Test func aMalformedExperimentIsNamedByLineAndNothingIsInjected() throws {
        let directory = scratchDirectory()
        try writeBlueprint("shop.yaml", in: directory, stack: "shop", resources: "  f: {type: storage.file, properties: {path: f}}")
        try """
        apiVersion: dharma.dev/v3
        kind: Experiment
        blueprint: shop.yaml
        steadyState:
          - name: up
            http: {resource: web, within: soon}
        method:
          - fault: kil
          - fault: latency
            duraton: 5s
        abort: [upp]
        """.write(toFile: directory + "/bad.yaml", atomically: true, encoding: .utf8)
        let run = try dharma(["chaos", "run", "bad.yaml"], in: directory)
        #expect(run.status == 2)
        for expected in [
            "bad.yaml:6:35", "`within` must be a duration", "bad.yaml:8:12", "unknown fault `kil`", "did you mean `kill`",
            "bad.yaml:10:5", "unknown key `duraton`", "bad.yaml:11:9", "abort names `upp`", "not a valid experiment (4 errors)",
        ] {
            #expect(run.stderr.contains(expected), "missing \(expected) in\n\(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/.dharma/chaos"))
    }

    @Test func theProxyHidesAKilledReplicaAndLatencyPastTheToleranceAborts() throws {
        let directory = try stack()
        defer { _ = try? dharma(["destroy", "shop.yaml", "--auto-approve"], in: directory, environment: environment) }
        let kill = try experiment("  - {fault: kill, target: {resource: web, replica: 0}, duration: 1s}", in: directory)
        let survived = try dharma(["chaos", "run", kill, "--json"], in: directory, environment: environment)
        #expect(survived.status == 0, "\(survived.stdout)\(survived.stderr)")
        let report = try json(survived.stdout)
        #expect(report["status"] as? String == "succeeded")
        #expect(((report["faults"] as? [[String: Any]])?.first?["description"] as? String)?.hasPrefix("killed web replica 0") == true)
        #expect((report["during"] as? [[String: Any]] ?? []).allSatisfy { $0["ok"] as? Bool == true }, "the proxy routed around the dead replica")

        let slow = try experiment(
            "  - {fault: latency, target: {resource: web}, latency: 400ms, duration: 5s}", in: directory, name: "slow.yaml",
            within: "200ms")
        let aborted = try dharma(["chaos", "run", slow, "--report", "slow.md"], in: directory, environment: environment)
        #expect(aborted.status == 3, "\(aborted.stdout)\(aborted.stderr)")
        #expect(aborted.stdout.contains("aborted — abort condition `web answers` failed"), "\(aborted.stdout)")
        let markdown = try String(contentsOfFile: directory + "/slow.md", encoding: .utf8)
        #expect(markdown.contains("status: **aborted**") && markdown.contains("| latency | web | 400 ms added to every request to web |"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory + "/.dharma/proxy").allSatisfy { !$0.hasSuffix(".chaos.json") },
            "the latency is gone")
        let audit = try dharma(["audit", "log", "-f", "shop.yaml", "--json"], in: directory)
        let actions = (try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(actions.filter { $0.hasPrefix("chaos-") } == ["chaos-inject", "chaos-remove", "chaos-inject", "chaos-remove"])
    }

    @Test func theKillSwitchStopsARunningExperimentAndAKilledRunnersFaultsAreRemovedNextStart() throws {
        let directory = try stack()
        defer { _ = try? dharma(["destroy", "shop.yaml", "--auto-approve"], in: directory, environment: environment) }
        let freeze = try experiment("  - {fault: region, region: local-1, duration: 60s}", in: directory, within: "30s")
        let pids = try webPids(directory)
        #expect(pids.count == 3)

        let runner = try startDharma(["chaos", "run", freeze], in: directory)
        for _ in 0..<100 where !pids.allSatisfy(stopped) { Thread.sleep(forTimeInterval: 0.1) }
        #expect(pids.allSatisfy(stopped), "the region is frozen")
        let halt = try dharma(["chaos", "halt", "-f", "shop.yaml"], in: directory)
        #expect(halt.status == 0 && halt.stdout.contains("froze region local-1"), "\(halt.stdout)")
        runner.waitUntilExit()
        #expect(runner.terminationStatus == 1, "a halted experiment exits 1")
        #expect(!pids.contains(where: stopped))
        let refused = try dharma(["chaos", "run", freeze], in: directory, environment: environment)
        #expect(refused.status == 2 && refused.stderr.contains("halted"), "\(refused.stderr)")
        #expect(try dharma(["chaos", "resume", "-f", "shop.yaml"], in: directory).status == 0)

        // A runner killed outright leaves its fault behind; the next start removes it.
        let killed = try startDharma(["chaos", "run", freeze], in: directory)
        for _ in 0..<100 where !pids.allSatisfy(stopped) { Thread.sleep(forTimeInterval: 0.1) }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        #expect(pids.allSatisfy(stopped), "left frozen by the killed run")
        let up = try dharma(["up", "shop.yaml", "--once"], in: directory, environment: environment)
        #expect(up.stdout.contains("removed a chaos fault left by an interrupted experiment: froze region local-1"), "\(up.stdout)")
        #expect(!pids.contains(where: stopped))
    }
}

/// The disk fault fills a real, quota-limited volume; the experiment removes the filler at the end.
@Suite("Chaos experiments: disk full", .serialized)
struct DiskFullCLITests {
    @Test func aDiskFaultFillsTheVolumeUntilItIsRemoved() throws {
        let directory = scratchDirectory()
        try writeBlueprint("shop.yaml", in: directory, stack: "shop", resources: "  data: {type: storage.volume, properties: {size: 1Gi}}")
        let up = try dharma(["apply", "shop.yaml", "--auto-approve"], in: directory)
        #expect(up.status == 0, "\(up.stderr)")
        defer { _ = try? dharma(["destroy", "shop.yaml", "--auto-approve"], in: directory) }
        try """
        apiVersion: dharma.dev/v3
        kind: Experiment
        metadata: {name: disk}
        blueprint: shop.yaml
        steadyState: []
        method:
          - fault: disk
            target: {resource: data}
            duration: 3s
        settle: 1s
        rollback: false
        """.write(toFile: directory + "/disk.yaml", atomically: true, encoding: .utf8)
        let volume = directory + "/.dharma/volumes/data"
        let run = Process()
        run.executableURL = URL(fileURLWithPath: TestPaths.dharma)
        run.arguments = ["chaos", "run", "disk.yaml"]
        run.currentDirectoryURL = URL(fileURLWithPath: directory)
        run.standardOutput = FileHandle.nullDevice
        try run.start()
        var filled = false
        for _ in 0..<100 where !filled {
            usleep(50_000)
            filled = ((try? FileManager.default.contentsOfDirectory(atPath: volume)) ?? []).contains { $0.hasPrefix(".dharma-chaos-fill-") }
        }
        #expect(filled)
        usleep(300_000)
        // While the fault lasts, a megabyte does not fit.
        #expect(FileManager.default.createFile(atPath: volume + "/during", contents: Data(count: 1 << 20)) == false)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)
        #expect(!((try? FileManager.default.contentsOfDirectory(atPath: volume)) ?? []).contains { $0.hasPrefix(".dharma-chaos-fill-") })
        #expect(FileManager.default.createFile(atPath: volume + "/after", contents: Data(count: 1 << 20)))
    }
}
