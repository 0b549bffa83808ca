import DharmaAutopilot
import DharmaCore
import Testing

@testable import DharmaService

@Suite("Health board")
struct HealthBoardTests {
    let stack = StackID(name: "shop", environment: "prod")

    func score(_ points: Double) -> HealthScore {
        HealthScore.assess(symptoms: [], incidents: [], traffic: HealthScore.Traffic(requests: 1_000, failures: Int(points)))
    }

    @Test("a score is read back for its own stack and organisation while it is fresh, then no longer")
    func freshScoresOnly() {
        let board = HealthBoard(freshFor: 30)
        board.record(score(2), of: stack, in: "acme", at: 1_000)
        #expect(board.score(of: stack, in: "acme", now: 1_029)?.score == score(2).score)
        #expect(board.score(of: stack, in: "other", now: 1_029) == nil, "another organisation's stack of the same name")
        #expect(board.score(of: StackID(name: "shop", environment: "dev"), in: "acme", now: 1_029) == nil)
        #expect(board.score(of: stack, in: "acme", now: 1_031) == nil, "a stalled supervision's score is not trusted")
        board.record(score(1), of: stack, in: "acme", at: 1_040)
        board.forget(stack, in: "acme")
        #expect(board.score(of: stack, in: "acme", now: 1_041) == nil, "an ended supervision's score is dropped")
    }
}
