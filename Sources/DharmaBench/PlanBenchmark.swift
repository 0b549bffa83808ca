import DharmaAudit
import DharmaCore
import DharmaProviders
import DharmaStore
import Foundation

/// `dharma bench`: figures that show how fast Dharma is. Each benchmark makes what it measures in a
/// temporary directory and removes it; none runs in the tests, which assert no timing.
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
    public static func syntheticBlueprint(resources count: Int, name: String = "bench") -> String {
        var text = """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: \(name)}
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
            throw BenchmarkError("the synthetic blueprint did not validate: \(result?.diagnostics.first?.message ?? "?")")
        }
        var order: [String]?
        let graph = clock.measure { order = BlueprintReferences.graph(of: blueprint).topologicalOrder() }
        guard order?.count == blueprint.resources.count else { throw BenchmarkError("graph order incomplete") }
        var plan: Plan?
        let planning = try clock.measure {
            plan = try Planner(blueprint: blueprint, variables: ["greeting": "hello"], blueprintHash: "bench")
                .plan(recorded: StackState(stack: blueprint.stack), observed: [:])
        }
        guard plan?.summary[.create] == blueprint.resources.count else { throw BenchmarkError("plan incomplete") }
        return PlanTimings(
            resources: blueprint.resources.count, bytes: text.utf8.count, parse: parse, validate: validate,
            graph: graph, plan: planning)
    }

    /// Larger than a hand-written blueprint, so the benchmark raises the size cap.
    static var benchLimits: InputLimits {
        var limits = InputLimits()
        limits.maxBytes = 64 << 20
        return limits
    }
}
