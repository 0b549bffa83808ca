import DharmaCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Forecasts when each local `storage.volume` fills, as Prometheus' `predict_linear` does for
/// disk-full alerts: a least-squares line through the used bytes sampled once a minute over the
/// last hour, extended until it meets the volume's size. A volume forecast full within a day,
/// on a line that fits (R² ≥ 0.8), is a risk the health score counts.
struct CapacityWatch {
    /// Seconds between samples.
    var step: Double = 60
    /// The window the line is fitted over.
    var window: Double = 3600
    /// The forecast needs this many samples (five minutes of history).
    var minimumSamples = 6
    var minimumFit = 0.8
    var horizon: Double = 86_400
    private var samples: [String: [(time: Double, bytes: Double)]] = [:]
    private var risks: [String: String] = [:]

    /// Samples what is due and returns the volumes at risk, with why, by name.
    mutating func risks(in recorded: StackState, at now: Double) -> [String: String] {
        let volumes = recorded.resources.values.filter { $0.type == "storage.volume" && $0.provider == .local }
        for state in volumes {
            guard let path = state.outputs["path"]?.stringValue, now - (samples[state.name]?.last?.time ?? -.infinity) >= step else { continue }
            var info = statvfs()
            guard statvfs(path, &info) == 0, info.f_blocks > 0 else { continue }
            let total = Double(info.f_blocks) * Double(info.f_frsize)
            let used = Double(info.f_blocks - info.f_bfree) * Double(info.f_frsize)
            let history = ((samples[state.name] ?? []) + [(now, used)]).filter { now - $0.time <= window }
            samples[state.name] = history
            risks[state.name] = nil
            guard history.count >= minimumSamples, let trend = LinearTrend(history), trend.slope > 0, trend.fit >= minimumFit else { continue }
            let secondsToFull = (total - used) / trend.slope
            guard secondsToFull <= horizon else { continue }
            risks[state.name] = String(
                format: "%@ full in about %.1f h (growing %@/min, %.0f%% used)", state.name, secondsToFull / 3600,
                LinearTrend.mebibytes(trend.slope * 60), 100 * used / total)
        }
        let present = Set(volumes.map(\.name))
        risks = risks.filter { present.contains($0.key) }
        samples = samples.filter { present.contains($0.key) }
        return risks
    }
}
