import DharmaCore
import DharmaInsight
import Testing

@testable import DharmaChaos

@Suite("Game day: choosing faults")
struct GameDayTests {
    func stack(replicas: Int) -> StackState {
        var state = StackState(stack: StackID(name: "s", environment: "default"))
        state.resources["web"] = ResourceState(
            name: "web", type: "compute.service", provider: .local, region: "local-1",
            inputs: ["replicas": .int(replicas), "heal": ["scale": ["min": 2, "max": 6]]],
            outputs: [:], dependencies: [], lifecycle: Lifecycle())
        return state
    }

    @Test("faults go into replicas a scale-in cannot remove, and CPU only where scale-out is still possible")
    func choices() throws {
        var random = SeededRandom(seed: 42)
        var kinds: Set<FaultSpec.Kind> = []
        for _ in 0..<200 {
            let spec = try #require(GameDay.chooseFault(in: stack(replicas: 5), random: &random))
            kinds.insert(spec.kind)
            switch spec.replica {
            case .index(let index): #expect(index < 2, "replica \(index) could be scaled away")
            case .all: #expect(spec.kind == .cpu)
            case .random: Issue.record("a random replica could be one about to be scaled away")
            }
        }
        #expect(kinds == [.kill, .memory, .hang, .cpu])
        for _ in 0..<100 { #expect(try #require(GameDay.chooseFault(in: stack(replicas: 6), random: &random)).kind != .cpu) }
    }
}
