import DharmaProviders
import Foundation

/// CPU utilisation of a service's replicas, from the kernel's per-process CPU time: the
/// change in CPU seconds over the change in wall-clock seconds, as a percentage of the cores
/// each replica is given (`cpu`, default one core). Like the HPA, it averages over the
/// replicas measured twice at least `minimumSpan` apart, so a replica that just started does
/// not count until it has a rate. Ticks further apart than the window measure over the gap.
struct CPUSampler: Sendable {
    var minimumSpan: Double = 1
    /// How far back the rate looks: long enough to smooth, short enough to react.
    var window: Double = 5
    private var samples: [Int32: [(time: Double, cpu: Double, start: UInt64)]] = [:]

    /// Records the replicas' CPU time now; returns the average utilisation in percent, or nil
    /// until some replica has a rate.
    mutating func utilisation(of pids: [Int32], cores: Double, now: Double = Date().timeIntervalSince1970) -> Double? {
        var rates: [Double] = []
        for pid in pids {
            guard let info = ProcessTable.info(pid), !info.isZombie else {
                samples[pid] = nil
                continue
            }
            var history = (samples[pid] ?? []).filter { $0.start == info.startTicks }
            // The window, and the newest sample before it: when ticks come further apart than
            // the window (a busy machine), the rate spans the gap instead of never forming.
            if let lastBefore = history.lastIndex(where: { now - $0.time > window }) { history.removeFirst(lastBefore) }
            history.append((now, info.cpuSeconds, info.startTicks))
            samples[pid] = history
            if let oldest = history.first, now - oldest.time >= minimumSpan {
                rates.append((info.cpuSeconds - oldest.cpu) / (now - oldest.time))
            }
        }
        let live = Set(pids)
        samples = samples.filter { live.contains($0.key) }
        guard !rates.isEmpty, cores > 0 else { return nil }
        return rates.reduce(0, +) / Double(rates.count) / cores * 100
    }
}
