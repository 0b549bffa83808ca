import DharmaCore
import Testing

@Suite("Service-level objectives in blueprints")
struct ServiceLevelObjectiveTests {
    let stackSLO = """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata:
          name: shop
          slo: {availability: 99.9%, latencyP99: 300ms, window: 28d}
        target: {provider: local, region: local-1}
        resources:
          web:
            type: compute.service
            properties:
              command: [sleep, "60"]
              slo: {availability: 99.5%}
          worker:
            type: compute.service
            properties:
              command: [sleep, "60"]
          config:
            type: storage.file
            properties: {path: a.txt, content: x}
        """

    @Test("a service's own fields override the stack's, the rest is inherited; other resource types get none")
    func inheritance() throws {
        let blueprint = try #require(load(stackSLO).blueprint)
        let plan = try Planner(blueprint: blueprint, variables: [:], blueprintHash: "h").plan(
            recorded: StackState(stack: StackID(name: "shop", environment: "default")), observed: [:])
        func objective(_ name: String) -> ServiceLevelObjective? {
            ServiceLevelObjective(plan.changes.first { $0.resource == name }?.desired?.inputs["slo"])
        }
        let web = try #require(objective("web"))
        let worker = try #require(objective("worker"))
        #expect(abs(web.availability - 0.995) < 1e-12 && web.latencyP99 == 0.3 && web.window == 28 * 86_400)
        #expect(abs(worker.availability - 0.999) < 1e-12 && worker.latencyP99 == 0.3 && worker.window == 28 * 86_400)
        #expect(plan.changes.first { $0.resource == "config" }?.desired?.inputs["slo"] == nil)
    }

    @Test("100% availability, a latency that is not a duration and an unknown field are reported where they are written")
    func badObjectives() throws {
        let result = load(
            """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata:
              name: shop
              slo: {availability: 100%, window: 10m}
            target: {provider: local, region: local-1}
            resources:
              web:
                type: compute.service
                properties:
                  command: [sleep, "60"]
                  slo: {latencyP99: fast, latency: 300ms}
            """)
        #expect(result.blueprint == nil || !result.diagnostics.isEmpty)
        let messages = result.diagnostics.map { "\($0.location?.line ?? 0): \($0.message)" }
        #expect(messages.contains("5: `metadata.slo.availability` \"100%\" is not a percentage above 0% and below 100%"), "\(messages)")
        #expect(messages.contains("5: `metadata.slo.window` is 600s, below the minimum 3600s"), "\(messages)")
        #expect(messages.contains("12: `slo.latencyP99` \"fast\" is not a duration"), "\(messages)")
        #expect(messages.contains("12: `latency` is not a field of `slo`"), "\(messages)")
        let availability = try #require(result.diagnostics.first { $0.message.hasPrefix("`metadata.slo.availability`") })
        #expect(availability.hint == "write it as 99.9%; 100% leaves no error budget")
    }
}
