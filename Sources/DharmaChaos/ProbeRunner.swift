import DharmaAutopilot
import DharmaCore
import DharmaEngine
import DharmaNet
import Foundation

/// One probe's answer.
public struct ProbeResult: Sendable, Codable, Hashable {
    public var probe: String
    public var ok: Bool
    public var detail: String
    public var time: Double
}

/// Runs the steady-state probes against the running stack.
struct ProbeRunner: Sendable {
    var engine: StackEngine
    var prepared: StackEngine.Prepared

    func run(_ probes: [Probe]) async -> [ProbeResult] {
        var results: [ProbeResult] = []
        let recorded = try? await engine.loadState(prepared.stack)
        for probe in probes {
            let now = Date().timeIntervalSince1970
            switch probe.check {
            case .http(let resource, let path, let status, let within):
                guard let port = recorded?.resources[resource]?.outputs["port"]?.intValue else {
                    results.append(ProbeResult(probe: probe.name, ok: false, detail: "\(resource) has no address in the recorded state", time: now))
                    continue
                }
                let started = ContinuousClock.now
                let answer = LoopbackHTTP.get(port: port, path: path, timeout: within)
                let elapsed = (ContinuousClock.now - started) / .seconds(1)
                let ok = answer?.status == status && elapsed <= within
                let detail = answer.map { "GET \(path) → \($0.status) in \(Int(elapsed * 1000)) ms" } ?? "GET \(path): no answer within \(within) s"
                results.append(ProbeResult(probe: probe.name, ok: ok, detail: detail, time: now))
            case .health(let minimum):
                let score = await healthScore()
                results.append(
                    ProbeResult(
                        probe: probe.name, ok: (score ?? -1) >= minimum,
                        detail: score.map { "health \($0) (at least \(minimum))" } ?? "health could not be assessed", time: now))
            }
        }
        return results
    }

    private func healthScore() async -> Int? {
        try? await HealthScore.current(of: prepared, engine: engine).score
    }
}
