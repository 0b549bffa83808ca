import Foundation
import Testing

@testable import DharmaInsight

@Suite struct RootCauseTests {
    /// web → api → db; the database shifts first and most, the others follow.
    func chain(dbShift: Double) -> [RootCauseAnalyzer.Node] {
        func metric(_ shift: Double, from start: Int) -> [Double] {
            (0..<160).map { step in 50 + Double(step % 5) * 0.3 + (step >= start ? shift : 0) }
        }
        func anomaly(from start: Int) -> [Double] { (0..<160).map { $0 >= start && $0 < start + 40 ? 0.95 : 0.01 } }
        return [
            .init(name: "web", dependencies: ["api"], metric: metric(dbShift * 0.4, from: 66), anomaly: anomaly(from: 66)),
            .init(name: "api", dependencies: ["db"], metric: metric(dbShift * 0.6, from: 63), anomaly: anomaly(from: 63)),
            .init(name: "db", dependencies: [], metric: metric(dbShift, from: 60), anomaly: anomaly(from: 60)),
            .init(name: "cache", dependencies: [], metric: metric(0, from: 0), anomaly: [Double](repeating: 0.01, count: 160)),
        ]
    }

    @Test func theDependencyWhereTheFaultStartedRanksFirst() {
        let ranked = RootCauseAnalyzer().rank(chain(dbShift: 30))
        #expect(ranked.first?.name == "db")
        #expect(ranked.last?.name == "cache")
        #expect(RootCauseAnalyzer().earliestAnomaly(chain(dbShift: 30)).first?.name == "db")
    }

    @Test func simulatedIncidentsAreRepeatableAndPageRankBeatsTheBaseline() {
        var first = IncidentSimulator(seed: 9)
        var second = IncidentSimulator(seed: 9)
        let a = first.next(), b = second.next()
        #expect(a.rootCause == b.rootCause && a.nodes.map(\.metric) == b.nodes.map(\.metric))
        var simulator = IncidentSimulator(seed: 5)
        let analyzer = RootCauseAnalyzer()
        var ours = 0, baseline = 0
        for _ in 0..<60 {
            let incident = simulator.next()
            if analyzer.rank(incident.nodes).first?.name == incident.rootCause { ours += 1 }
            if analyzer.earliestAnomaly(incident.nodes).first?.name == incident.rootCause { baseline += 1 }
        }
        #expect(ours > baseline, "pagerank \(ours)/60, earliest anomaly \(baseline)/60")
    }
}
