import Foundation
import Testing

@testable import DharmaAutopilot

@Suite("Autopilot: CPU sampling")
struct CPUSamplerTests {
    @Test("a rate forms from samples within the window, and from the previous one when ticks come further apart than the window")
    func ratesSpanSlowTicks() {
        let me = getpid()
        var sampler = CPUSampler()
        let start = Date().timeIntervalSince1970
        #expect(sampler.utilisation(of: [me], cores: 1, now: start) == nil, "one sample is no rate")
        // A busy machine: the next tick comes 14 s later, past the 5 s window.
        let late = sampler.utilisation(of: [me], cores: 1, now: start + 14)
        #expect((late ?? -1) >= 0, "the rate spans the gap: \(String(describing: late))")
        let next = sampler.utilisation(of: [me], cores: 1, now: start + 15)
        #expect(next != nil, "and keeps forming at the usual pace")
        #expect(sampler.utilisation(of: [], cores: 1, now: start + 16) == nil, "no replicas, no rate")
    }
}
