/// The M4 competition's accuracy measures.
public enum ForecastAccuracy {
    /// Symmetric MAPE in percent: mean of 200·|y − ŷ| / (|y| + |ŷ|).
    public static func sMAPE(actual: [Double], forecast: [Double]) -> Double {
        let terms = zip(actual, forecast).map { y, f -> Double in
            let denominator = abs(y) + abs(f)
            return denominator == 0 ? 0 : 200 * abs(y - f) / denominator
        }
        return terms.isEmpty ? 0 : terms.reduce(0, +) / Double(terms.count)
    }

    /// Mean absolute error scaled by the in-sample error of the seasonal naive method.
    public static func MASE(insample: [Double], actual: [Double], forecast: [Double], period: Int) -> Double {
        let lag = insample.count > period ? period : 1
        var scale = 0.0
        for index in lag..<insample.count { scale += abs(insample[index] - insample[index - lag]) }
        scale /= Double(max(1, insample.count - lag))
        let errors = zip(actual, forecast).map { abs($0 - $1) }
        let mae = errors.isEmpty ? 0 : errors.reduce(0, +) / Double(errors.count)
        return scale == 0 ? 0 : mae / scale
    }

    /// M4's overall weighted average against Naive2, from set-level means.
    public static func OWA(sMAPE: Double, MASE: Double, naive2SMAPE: Double, naive2MASE: Double) -> Double {
        0.5 * (sMAPE / naive2SMAPE + MASE / naive2MASE)
    }
}
