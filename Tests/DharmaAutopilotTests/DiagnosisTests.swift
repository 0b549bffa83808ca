import DharmaCore
import Testing

@testable import DharmaAutopilot

@Suite("Diagnosis: naming the root cause")
struct DiagnosisTests {
    func stack() -> StackState {
        var state = StackState(stack: StackID(name: "s", environment: "default"))
        for (name, dependencies) in [("db", [String]()), ("api", ["db"]), ("web", ["api"]), ("batch", [])] {
            state.resources[name] = ResourceState(
                name: name, type: "compute.service", provider: .local, region: "local-1", inputs: [:],
                outputs: [:], dependencies: dependencies, lifecycle: Lifecycle())
        }
        return state
    }

    func symptom(_ resource: String) -> Symptom {
        Symptom(kind: .unhealthy, resource: resource, resourceType: "compute.service", diff: [], affected: [0])
    }

    @Test("when a dependency and its dependent are in trouble together, the dependency is named first")
    func upstreamFirst() {
        let recorded = stack()
        var history = TroubleHistory()
        for tick in 0..<30 {
            let troubled = tick < 10 ? [] : tick < 14 ? ["api"] : ["api", "web"]
            history.record(troubled.map(symptom), resources: recorded.resources.keys)
        }
        #expect(history.suspects(for: "web", in: recorded) == ["api", "web"])
        #expect(history.suspects(for: "api", in: recorded) == ["api"], "nothing api depends on is in trouble")
    }

    @Test("trouble elsewhere in the stack, not upstream, is not blamed")
    func unrelatedTroubleIsIgnored() {
        let recorded = stack()
        var history = TroubleHistory()
        for _ in 0..<20 { history.record([symptom("batch"), symptom("web")], resources: recorded.resources.keys) }
        #expect(history.suspects(for: "web", in: recorded) == ["web"])
    }
}
