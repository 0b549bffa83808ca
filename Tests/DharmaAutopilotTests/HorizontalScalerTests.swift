import DharmaAutopilot
import Testing

@Suite("HPA arithmetic")
struct HorizontalScalerTests {
    @Test("desired = ceil(current × utilisation / target), within min…max, unchanged inside the tolerance")
    func formula() {
        let scaler = HorizontalScaler(target: 70, bounds: 2...10)
        #expect(scaler.recommend(current: 2, utilisation: 100) == 3)  // ceil(2.86)
        #expect(scaler.recommend(current: 4, utilisation: 140) == 8)
        #expect(scaler.recommend(current: 8, utilisation: 200) == 10)  // capped
        #expect(scaler.recommend(current: 4, utilisation: 75) == 4)  // ratio 1.07: tolerated
        #expect(scaler.recommend(current: 4, utilisation: 10) == 2)  // floored at min
        #expect(scaler.recommend(current: 3, utilisation: .nan) == 3)
    }

    @Test("scale-out is immediate; scale-in waits for the highest recommendation of the window")
    func stabilisation() {
        var scaler = HorizontalScaler(target: 50, bounds: 1...10, scaleDownAfter: 60)
        #expect(scaler.decide(current: 2, utilisation: 100, at: 0) == 4)
        #expect(scaler.decide(current: 4, utilisation: 60, at: 10) == 5)
        #expect(scaler.decide(current: 5, utilisation: 10, at: 20) == 5, "a lull right after a peak keeps the replicas")
        #expect(scaler.decide(current: 5, utilisation: 10, at: 69) == 5)
        #expect(scaler.decide(current: 5, utilisation: 10, at: 71) == 1, "the peak left the 60 s window")
    }
}
