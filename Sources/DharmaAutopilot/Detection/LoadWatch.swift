import DharmaCore
import Foundation

/// What the autoscaler sees of one service with `heal.scale`.
public struct LoadReading: Sendable, Hashable {
    public var resource: String
    public var resourceType: String
    /// Replicas applied now.
    public var current: Int
    /// Average CPU utilisation of the replicas, in percent of their `cpu`.
    public var utilisation: Double
    public var target: Double
    /// What the HPA formula, with its stabilisation window, asks for.
    public var desired: Int
}

/// Samples the CPU of every autoscaled service each tick and keeps one HPA per service.
struct LoadWatch: Sendable {
    private var samplers: [String: CPUSampler] = [:]
    private var scalers: [String: HorizontalScaler] = [:]

    mutating func readings(of recorded: StackState, at time: Double) -> [LoadReading] {
        var readings: [LoadReading] = []
        let autoscaled = recorded.resources.values.filter { $0.type == "compute.service" && AutoscaledReplicas.bounds(of: $0.inputs) != nil }
        for state in autoscaled.sorted(by: { $0.name < $1.name }) {
            guard let bounds = AutoscaledReplicas.bounds(of: state.inputs) else { continue }
            let scale = state.inputs["heal"]?.mapValue?["scale"]?.mapValue ?? [:]
            let target = scale["cpu"].flatMap(Units.percent) ?? 70
            let window = scale["scaleDownAfter"].flatMap(Units.seconds) ?? 300
            let pids = (state.outputs["pids"]?.listValue ?? []).compactMap(\.intValue).map(Int32.init)
            guard
                let utilisation = samplers[state.name, default: CPUSampler()]
                    .utilisation(of: pids, cores: state.inputs["cpu"]?.doubleValue ?? 1)
            else { continue }
            var scaler = scalers[state.name] ?? HorizontalScaler(target: target, bounds: bounds, scaleDownAfter: window)
            if scaler != HorizontalScaler(target: target, bounds: bounds, scaleDownAfter: window) {
                scaler = HorizontalScaler(target: target, bounds: bounds, scaleDownAfter: window)
            }
            let current = state.inputs["replicas"]?.intValue ?? pids.count
            let desired = scaler.decide(current: current, utilisation: utilisation, at: time)
            scalers[state.name] = scaler
            readings.append(
                LoadReading(
                    resource: state.name, resourceType: state.type, current: current, utilisation: utilisation,
                    target: target, desired: desired))
        }
        let names = Set(autoscaled.map(\.name))
        samplers = samplers.filter { names.contains($0.key) }
        scalers = scalers.filter { names.contains($0.key) }
        return readings
    }
}
