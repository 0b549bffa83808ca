import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaStore
import Foundation

extension Benchmarks {
    public struct ApplyTimings: Sendable {
        public var files: Int
        public var plan: Duration
        public var apply: Duration
        public var parallelism: Int
    }

    /// Applies `files` storage.file resources into a fresh temporary directory and state.
    public static func apply(files: Int, parallelism: Int) async throws -> ApplyTimings {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dharma-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var text = "apiVersion: dharma.dev/v3\nkind: Blueprint\nmetadata: {name: bench-apply}\ntarget: {provider: local, region: local-1}\nresources:\n"
        for index in 0..<files {
            text += "  file-\(index):\n    type: storage.file\n    properties: {path: \"files/\(index).txt\", content: \"file \(index)\"}\n"
        }
        let path = directory + "/bench.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let store = try SQLiteStore(path: directory + "/.dharma/dharma.db")
        let engine = StackEngine(store: store, parallelism: parallelism, stateDirectory: directory + "/.dharma")
        let clock = ContinuousClock()
        let prepared = try StackEngine.prepare(path: path, environment: nil, variables: [:])
        var planned: Plan?
        let planTime = try await clock.measure { planned = try await engine.plan(prepared).0 }
        guard let plan = planned else { throw BenchmarkError("no plan") }
        var report: ApplyReport?
        let applyTime = try await clock.measure {
            report = try await engine.apply(plan, context: engine.context(for: prepared))
        }
        guard let report, report.ok, report.succeeded.count == files else {
            throw BenchmarkError("bench apply failed: \(report?.failed.first?.message ?? "unknown")")
        }
        return ApplyTimings(files: files, plan: planTime, apply: applyTime, parallelism: parallelism)
    }
}
