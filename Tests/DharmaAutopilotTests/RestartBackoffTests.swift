import DharmaAutopilot
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
