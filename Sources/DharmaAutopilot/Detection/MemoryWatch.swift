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
            var leaking: [(Replica, MemoryTrend)] = []
            for replica in Replica.all(of: state) {
                guard let info = ProcessTable.info(replica.pid), !info.isZombie else { continue }
                let key = "\(state.name)#\(replica.pid)#\(info.startTicks)"
                seen.insert(key)
                var history = (samples[key] ?? []).filter { now - $0.time <= window }
                history.append((now, Double(info.residentBytes)))
                samples[key] = history
                if let trend = MemoryTrend(history), trend.span >= minimumSpan, trend.slope >= minimumSlope,
                   trend.growth >= minimumGrowth, trend.fit >= minimumFit {
                    leaking.append((replica, trend))
                }
            }
            guard !leaking.isEmpty else { continue }
            symptoms.append(Symptom(kind: .memory, resource: state.name, resourceType: state.type,
                                    diff: leaking.map { replica, trend in
                                        AttributeDiff(attribute: "replica[\(replica.index)].memory",
                                                      old: .string(MemoryTrend.mebibytes(trend.first)),
                                                      new: .string("\(MemoryTrend.mebibytes(trend.last)), growing \(MemoryTrend.mebibytes(trend.slope))/s "
                                                          + "for \(Int(trend.span)) s (R² \(String(format: "%.2f", trend.fit)))"))
                                    },
                                    affected: leaking.map(\.0.index), replicas: state.inputs["replicas"]?.intValue ?? 1))
        }
        samples = samples.filter { seen.contains($0.key) }
        return symptoms
    }
}

/// A least-squares line through (time, bytes) samples.
struct MemoryTrend: Sendable {
    var slope: Double
    var fit: Double
    var span: Double
    var first: Double
    var last: Double

    var growth: Double { last - first }

    init?(_ samples: [(time: Double, bytes: Double)]) {
        guard samples.count >= 3, let start = samples.first, let end = samples.last else { return nil }
        let n = Double(samples.count)
        let meanTime = samples.map(\.time).reduce(0, +) / n
        let meanBytes = samples.map(\.bytes).reduce(0, +) / n
        var covariance = 0.0, timeVariance = 0.0, bytesVariance = 0.0
        for sample in samples {
            covariance += (sample.time - meanTime) * (sample.bytes - meanBytes)
            timeVariance += (sample.time - meanTime) * (sample.time - meanTime)
            bytesVariance += (sample.bytes - meanBytes) * (sample.bytes - meanBytes)
        }
        guard timeVariance > 0 else { return nil }
        slope = covariance / timeVariance
        fit = bytesVariance > 0 ? covariance * covariance / (timeVariance * bytesVariance) : 0
        span = end.time - start.time
        first = start.bytes
        last = end.bytes
    }

    static func mebibytes(_ bytes: Double) -> String {
        String(format: "%.1f MiB", bytes / 1_048_576)
    }
}
