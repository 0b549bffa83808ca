import DharmaAutopilot
import DharmaCore
import DharmaStore
import Testing

@Suite("CrashLoopBackOff")
struct RestartBackoffTests {
    @Test("the first restart is immediate, then 10 s doubling to a 5 minute cap")
    func doubling() {
        let backoff = RestartBackoff()
        #expect((0...8).map(backoff.delay(afterRestarts:)) == [0, 10, 20, 40, 80, 160, 300, 300, 300])
    }

    @Test("the wait counts from when the symptom was seen, and restarts in a row grow it")
    func waitsFromDetection() {
        var backoff = RestartBackoff()
        #expect(backoff.observe("web/crash", at: 100) == 100)
        backoff.restarted("web/crash", at: 100)
        // It crashes again 5 s later: the next restart waits 10 s from then, however often
        // the loop looks in between.
        #expect(backoff.observe("web/crash", at: 105) == 115)
        #expect(backoff.observe("web/crash", at: 110) == 115)
        backoff.restarted("web/crash", at: 115)
        #expect(backoff.observe("web/crash", at: 116) == 136)
        // Other keys keep their own count.
        #expect(backoff.observe("api/crash", at: 116) == 116)
    }

    @Test("ten minutes without the symptom since the last restart start the count over")
    func resetsAfterTenHealthyMinutes() {
        var backoff = RestartBackoff()
        for time in [0.0, 20, 60] {
            _ = backoff.observe("web/crash", at: time)
            backoff.restarted("web/crash", at: time)
        }
        #expect(backoff.restarts("web/crash") == 3)
        #expect(backoff.observe("web/crash", at: 60 + 599) == 60 + 599 + 40)
        backoff.restarted("web/crash", at: 700)
        #expect(backoff.observe("web/crash", at: 700 + 600) == 1300)
    }
}

@Suite("Learning which remediation works")
struct RemediationLearningTests {
    func outcome(_ action: RemediationAction, _ succeeded: Bool, _ seconds: Double, symptom: SymptomKind = .cpu) -> RemediationOutcome {
        RemediationOutcome(stack: "s/default", symptom: symptom, action: action, succeeded: succeeded, seconds: seconds, time: 0)
    }

    @Test("the stats table counts attempts, successes and recovery times per symptom and action")
    func table() {
        let table = RemediationStats.table([
            outcome(.scaleOut, true, 4), outcome(.scaleOut, false, 30), outcome(.scaleOut, true, 8), outcome(.scaleOut, true, 6),
            outcome(.restart, true, 2, symptom: .crash),
        ])
        #expect(table.map { "\($0.symptom)/\($0.action)" } == ["cpu/scale-out", "crash/restart"])
        #expect(table[0].attempts == 4 && table[0].successes == 3 && table[0].successRate == 0.75)
        #expect(table[0].medianRecovery == 6 && table[0].meanRecovery == 6)
    }

    @Test("UCB1 tries every option once, then prefers what succeeds fast, and still explores")
    func chooser() {
        let options: [RemediationAction] = [.restart, .scaleOut]
        #expect(RemediationChooser.choose(among: options, for: .cpu, history: []) == .restart)
        #expect(RemediationChooser.choose(among: options, for: .cpu, history: [outcome(.restart, false, 5)]) == .scaleOut)
        var history = [outcome(.restart, false, 5), outcome(.scaleOut, true, 5)]
        for _ in 0..<6 { history.append(outcome(.scaleOut, true, 5)) }
        #expect(RemediationChooser.choose(among: options, for: .cpu, history: history) == .scaleOut)
        // Other symptoms' history does not count, and a long losing streak of the favourite
        // sends the bandit back to the other option.
        #expect(RemediationChooser.choose(among: options, for: .memory, history: history) == .restart)
        for _ in 0..<20 { history.append(outcome(.scaleOut, false, 5)) }
        #expect(RemediationChooser.choose(among: options, for: .cpu, history: history) == .restart)
        #expect(RemediationChooser.choose(among: [], for: .cpu, history: history) == nil)
    }
}
