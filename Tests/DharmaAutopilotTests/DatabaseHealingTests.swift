import DharmaAutopilot
import DharmaCore
import DharmaNet
import DharmaProviders
import DharmaTestSupport
import Foundation
import Testing

/// A local PostgreSQL server killed from outside is started again at once, every time, with its data.
@Suite("Autopilot: a killed database", .serialized)
struct DatabaseHealingTests {
    @Test("SIGKILL of the postmaster is a crash from outside: restarted at once, twice in a row, data intact")
    func killedTwice() async throws {
        let port = try #require(PortAllocator.freePort())
        let project = try ScratchProject(
            blueprint(
                """
                  shop:
                    type: database.postgres
                    properties: {port: \(port), deletionProtection: false}
                """))
        try await project.apply()
        try await project.destroyingAfter {
            let shop = { () async throws -> ResourceState in
                try #require(try await project.engine.loadState(try project.prepare().stack).resources["shop"])
            }
            let client = try #require(PostgresClient(try await shop()))
            try await client.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (42);")
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock, verifyWindow: 1)
            for round in 1...2 {
                let pid = try #require(try await shop().outputs["pid"]?.intValue)
                kill(Int32(pid), SIGKILL)
                try await Task.sleep(for: .milliseconds(200))
                let first = await autopilot.tick().lines
                clock.advance(1)
                // No back-off, in either round: the server was killed, it did not fail.
                #expect(
                    first == ["incident \(round) opened (critical): shop is down (replica 0 not running)", "incident \(round): restart shop (attempt 1)"],
                    "\(first)")
                var lines = first
                for _ in 0..<10 where !lines.contains(where: { $0.hasPrefix("incident \(round) resolved") }) {
                    lines += await autopilot.tick().lines
                    clock.advance(1)
                }
                #expect(lines.contains { $0.hasPrefix("incident \(round) resolved") }, "\(lines)")
                #expect(try await client.execute("SELECT id FROM kept;") == "42")
            }
        }
    }
}
