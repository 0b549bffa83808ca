import DharmaAudit
import DharmaCore
import DharmaProviders
import DharmaStore
import Foundation

/// `dharma bench`: figures for the planning pipeline and for applying many files.
public enum Benchmarks {
    public struct PlanTimings: Sendable {
        public var resources: Int
        public var bytes: Int
        public var parse: Duration
        public var validate: Duration
        public var graph: Duration
        public var plan: Duration
        public var total: Duration { parse + validate + graph + plan }
    }

    /// A blueprint of `count` resources: chains of ten files, each chain hanging off a hub file
    /// (fan-out), every resource referring to its predecessor.
    public static func syntheticBlueprint(resources count: Int) -> String {
        var text = """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: bench}
            target: {provider: local, region: local-1}
            variables:
              greeting: {type: string, default: hello}
            resources:
              hub:
                type: storage.file
                properties: {path: out/hub.txt, content: "${var.greeting}"}

            """
        for index in 1..<max(count, 2) {
            let previous = index % 10 == 1 ? "hub" : "f\(index - 1)"
            text += """
                  f\(index):
                    type: storage.file
                    properties: {path: "out/f\(index).txt", content: "${\(previous).path} \(index)"}

                """
        }
        return text
    }

    public static func plan(resources count: Int) throws -> PlanTimings {
        let text = syntheticBlueprint(resources: count)
        let clock = ContinuousClock()
        let loader = YAMLLoader(limits: benchLimits)
        var loaded = loader.load(text: "", path: "bench.yaml")
        let parse = clock.measure { loaded = loader.load(text: text, path: "bench.yaml") }
        var result: BlueprintLoader.Result?
        let validate = clock.measure { result = BlueprintLoader(limits: benchLimits).finish(loaded, path: "bench.yaml") }
        guard let blueprint = result?.blueprint else {
            throw EngineError.failed("the synthetic blueprint did not validate: \(result?.diagnostics.first?.message ?? "?")")
        }
        var order: [String]?
        let graph = clock.measure { order = BlueprintReferences.graph(of: blueprint).topologicalOrder() }
        guard order?.count == blueprint.resources.count else { throw EngineError.failed("graph order incomplete") }
        var plan: Plan?
        let planning = try clock.measure {
            plan = try Planner(blueprint: blueprint, variables: ["greeting": "hello"], blueprintHash: "bench")
                .plan(recorded: StackState(stack: blueprint.stack), observed: [:])
        }
        guard plan?.summary[.create] == blueprint.resources.count else { throw EngineError.failed("plan incomplete") }
        return PlanTimings(resources: blueprint.resources.count, bytes: text.utf8.count, parse: parse, validate: validate,
                           graph: graph, plan: planning)
    }

    /// Larger than a hand-written blueprint, so the benchmark raises the size cap.
    static var benchLimits: InputLimits {
        var limits = InputLimits()
        limits.maxBytes = 64 << 20
        return limits
    }

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
        guard let plan = planned else { throw EngineError.failed("no plan") }
        var report: ApplyReport?
        let applyTime = try await clock.measure {
            report = try await engine.apply(plan, context: engine.context(for: prepared))
        }
        guard let report, report.ok, report.succeeded.count == files else {
            throw EngineError.failed("bench apply failed: \(report?.failed.first?.message ?? "unknown")")
        }
        return ApplyTimings(files: files, plan: planTime, apply: applyTime, parallelism: parallelism)
    }
}

extension Benchmarks {
    public struct AuditTimings: Sendable {
        public var entries: Int
        public var batch: Int
        public var append: Duration
        public var proofMicroseconds: Double
        public var verify: Duration
        public var verifiedOK: Bool
    }

    /// Appends `entries` in batches (one transaction and one signed checkpoint per batch) to a
    /// fresh log, then times inclusion proofs at the full size and a full verification.
    public static func audit(entries: Int, batch: Int) async throws -> AuditTimings {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dharma-bench-audit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/dharma.db")
        let log = try AuditLog.local(store: store, stateDirectory: directory, databasePath: directory + "/dharma.db")
        let clock = ContinuousClock()
        let append = try await clock.measure {
            var written = 0
            while written < entries {
                let count = min(batch, entries - written)
                try await log.append((0..<count).map { offset in
                    AuditDraft(actor: "bench@local", action: "apply", stack: "bench/default", resources: ["r\(written + offset)"],
                               reason: "benchmark entry \(written + offset)")
                })
                written += count
            }
        }
        var generator = SystemRandomNumberGenerator()
        let samples = 200
        let size = UInt64(entries)
        let proofs = try await clock.measure {
            for _ in 0..<samples { _ = try await log.inclusionProof(seq: UInt64.random(in: 0..<size, using: &generator), size: size) }
        }
        var report: AuditVerification.Report?
        let verify = try await clock.measure { report = try await log.verify() }
        let proofSeconds = Double(proofs.components.seconds) + Double(proofs.components.attoseconds) / 1e18
        return AuditTimings(entries: entries, batch: batch, append: append, proofMicroseconds: proofSeconds / Double(samples) * 1e6,
                            verify: verify, verifiedOK: report?.ok ?? false)
    }
}
