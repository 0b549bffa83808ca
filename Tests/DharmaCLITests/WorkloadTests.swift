import DharmaTestKit
import Foundation
import Testing

/// The demo workload, run as its own process like the examples run it.
@Suite("dharma workload", .serialized)
struct WorkloadTests {
    func start() throws -> (Process, Int) {
        let port = Int.random(in: 20_000...40_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.dharma)
        process.arguments = ["workload", "--port", String(port)]
        process.standardOutput = FileHandle.nullDevice
        try process.start()
        for _ in 0..<100 {
            if (try? get(port, "/healthz")) != nil { break }
            usleep(50_000)
        }
        return (process, port)
    }

    @discardableResult
    func get(_ port: Int, _ path: String) throws -> String {
        try http("GET", port: port, path: path).body
    }

    func post(_ port: Int, _ path: String) throws -> String {
        try http("POST", port: port, path: path).body
    }

    func metric(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test("health, CPU work, metrics in Prometheus text, and the faults")
    func endpointsAndFaults() throws {
        let (process, port) = try start()
        defer { process.stop() }
        #expect(try get(port, "/healthz") == "ok\n")
        #expect(try get(port, "/work?ms=30") == "worked 30 ms\n")
        let metrics = try get(port, "/metrics")
        #expect(metrics.contains("# TYPE dharma_workload_request_duration_seconds histogram"))
        #expect(metrics.contains("dharma_workload_requests_total{path=\"/work\",code=\"200\"} 1"))
        let rssBefore = try #require(metric(metrics, "process_resident_memory_bytes"))
        #expect(rssBefore > 1_000_000)

        #expect(try post(port, "/fault/leak") == "leak on\n")
        usleep(1_500_000)
        let rssAfter = try #require(metric(try get(port, "/metrics"), "process_resident_memory_bytes"))
        #expect(rssAfter - rssBefore > 5_000_000, "leak fault should grow RSS: \(rssBefore) → \(rssAfter)")
        #expect(try post(port, "/fault/leak") == "leak off\n")

        #expect(try post(port, "/fault/slow") == "slow on\n")
        let started = Date()
        try get(port, "/healthz")
        #expect(Date().timeIntervalSince(started) >= 0.45)
        #expect(try post(port, "/fault/slow") == "slow off\n")
        #expect(try post(port, "/fault/nope").contains("unknown fault"))

        #expect(try post(port, "/fault/crash") == "crashing\n")
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
    }
}
