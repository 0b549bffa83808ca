import Testing

@testable import DharmaInsight

@Suite struct RankWindowTests {
    @Test func aTailIsTheShareAsFarOutTiesCountingHalf() {
        var window = RankWindow(capacity: 100, bins: 128)
        #expect(window.tail(5) == nil, "an empty window says nothing")
        for bin in 0..<100 { window.append(bin) }
        #expect(window.tail(127) == 0, "beyond every remembered value")
        #expect(window.tail(-3) == 0.005, "below every value except the tie in bin 0, counted half")
        #expect(window.tail(50) == 0.495, "the median: 49 above, one tie")
        #expect(window.tail(10) == 0.105)
    }

    @Test func theOldestValuesAreForgottenAndRanksMatchCountingByHand() {
        var window = RankWindow(capacity: 50, bins: 64)
        var kept: [Int] = []
        var generator = SplitMix(seed: 9)
        for _ in 0..<2000 {
            let bin = Int(generator.next() % 80) - 8
            window.append(bin)
            kept.append(min(63, max(0, bin)))
            if kept.count > 50 { kept.removeFirst() }
            let probe = Int(generator.next() % 64)
            let below = kept.filter { $0 < probe }.count
            let above = kept.filter { $0 > probe }.count
            let equal = kept.count - below - above
            #expect(window.count == kept.count)
            #expect(window.tail(probe) == (Double(min(below, above)) + Double(equal) / 2) / Double(kept.count))
        }
    }
}
