import Foundation

/// A least-squares line through (time, bytes) samples.
struct LinearTrend: Sendable {
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
