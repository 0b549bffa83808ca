import DharmaAutopilot
import DharmaCore
import DharmaTestSupport
import Foundation
import Testing

/// Volumes that fill are forecast to run out, and the health score counts the risk.
@Suite("Autopilot: capacity forecasts", .serialized)
struct CapacityForecastTests {
    @Test("a volume filling at 24 MiB a minute is forecast full within a day; a steady one is not")
    func fillingVolume() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  growing: {type: storage.volume, properties: {size: 1Gi}}
                  steady: {type: storage.volume, properties: {size: 1Gi}}
                """))
        try await project.apply()
        try await project.destroyingAfter {
            let state = try await project.engine.loadState(try project.prepare().stack)
            let growing = try #require(state.resources["growing"]?.outputs["path"]?.stringValue)
            let steady = try #require(state.resources["steady"]?.outputs["path"]?.stringValue)
            try Data(count: 50 << 20).write(to: URL(fileURLWithPath: steady + "/base"))
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock)
            for minute in 0..<8 {
                // 24 MiB more each minute of the autopilot's clock, with a little jitter.
                try Data(count: (24 << 20) + (minute % 3) * (1 << 20)).write(to: URL(fileURLWithPath: growing + "/chunk-\(minute)"))
                _ = await autopilot.tick()
                clock.advance(60)
            }
            let health = try #require(await autopilot.health)
            let forecast = try #require(health.penalties.first { $0.component == "forecast" })
            #expect(forecast.points == 10, "\(health.penalties)")
            #expect(forecast.detail.contains("growing full in about") && !forecast.detail.contains("steady"), "\(forecast.detail)")
        }
    }
}
