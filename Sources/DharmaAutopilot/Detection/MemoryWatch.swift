import DharmaCore
import DharmaProviders
import Foundation

/// Memory leaks, told from spikes by their trend: each replica's resident memory is sampled
/// every tick, and a replica leaks when, over the last `window` seconds, a straight line fits
/// its growth well (R² ≥ `minimumFit`), rises at least `minimumSlope` bytes a second, and has
/// added `minimumGrowth` bytes. A single jump fits a line badly (R² ≤ 0.75 wherever it falls
/// in the window) and is left alone; allocator jitter on a real leak stays above 0.8.
struct MemoryWatch: Sendable {
    var window = 30.0
    var minimumSpan = 5.0
    var minimumSlope = 256.0 * 1024
    var minimumGrowth = 16.0 * 1024 * 1024
    var minimumFit = 0.8
    private var samples: [String: [(time: Double, bytes: Double)]] = [:]

    mutating func symptoms(in recorded: StackState, now: Double = Date().timeIntervalSince1970) -> [Symptom] {
        var seen: Set<String> = []
        var symptoms: [Symptom] = []
        for state in Replica.services(in: recorded) {
            var leaking: [(Replica, LinearTrend)] = []
            for replica in Replica.all(of: state) {
                guard let info = ProcessTable.info(replica.pid), !info.isZombie else { continue }
                let key = "\(state.name)#\(replica.pid)#\(info.startTicks)"
                seen.insert(key)
                var history = (samples[key] ?? []).filter { now - $0.time <= window }
                history.append((now, Double(info.residentBytes)))
                samples[key] = history
                if let trend = LinearTrend(history), trend.span >= minimumSpan, trend.slope >= minimumSlope,
                    trend.growth >= minimumGrowth, trend.fit >= minimumFit
                {
                    leaking.append((replica, trend))
                }
            }
            guard !leaking.isEmpty else { continue }
            symptoms.append(
                Symptom(
                    kind: .memory, resource: state.name, resourceType: state.type,
                    diff: leaking.map { replica, trend in
                        AttributeDiff(
                            attribute: "replica[\(replica.index)].memory",
                            old: .string(LinearTrend.mebibytes(trend.first)),
                            new: .string(
                                "\(LinearTrend.mebibytes(trend.last)), growing \(LinearTrend.mebibytes(trend.slope))/s "
                                    + "for \(Int(trend.span)) s (R² \(String(format: "%.2f", trend.fit)))"))
                    },
                    affected: leaking.map(\.0.index), replicas: state.inputs["replicas"]?.intValue ?? 1))
        }
        samples = samples.filter { seen.contains($0.key) }
        return symptoms
    }
}
