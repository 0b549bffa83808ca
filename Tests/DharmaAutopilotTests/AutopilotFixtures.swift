import DharmaAutopilot
import DharmaStore
import DharmaTestSupport
import Foundation

/// A clock the test moves by hand, so back-off and verification windows take no real time.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Double

    init(_ start: Double = 1_000_000) {
        time = start
    }

    var now: Double { lock.withLock { time } }

    func advance(_ seconds: Double) {
        lock.withLock { time += seconds }
    }
}

extension ScratchProject {
    func autopilot(clock: ManualClock, verifyWindow: Double = 3) throws -> Autopilot {
        guard let incidents = engine.store as? any IncidentStore else { throw FixtureError("the project store keeps no incidents") }
        return Autopilot(
            engine: engine, incidents: incidents, path: blueprint, environment: nil, variables: [:],
            settings: Autopilot.Settings(verifyWindow: verifyWindow), clock: { clock.now })
    }

    func incidents() async throws -> [Incident] {
        guard let store = engine.store as? any IncidentStore else { return [] }
        return try await IncidentBook(store: store).incidents(stack: try prepare().stack)
    }

    func outcomes() async throws -> [RemediationOutcome] {
        guard let store = engine.store as? any IncidentStore else { return [] }
        return try await store.outcomes(stack: nil)
    }

    func pids(of resource: String) async throws -> [Int32] {
        let state = try await engine.loadState(try prepare().stack)
        return (state.resources[resource]?.outputs["pids"]?.listValue ?? []).compactMap(\.intValue).map(Int32.init)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
