import Foundation

/// Exponential smoothing state-space models with additive errors — ETS(A,N,N), (A,A,N),
/// (A,Ad,N), (A,N,A), (A,A,A), (A,Ad,A) — fitted by minimising the sum of squared one-step
/// errors (Nelder–Mead over the smoothing parameters), chosen by AICc, with prediction
/// intervals from simulated sample paths.
public struct ExponentialSmoothing: Sendable {
    public enum Trend: String, Sendable, CaseIterable { case none = "N", additive = "A", damped = "Ad" }

    public struct Model: Sendable {
        public var trend: Trend
        public var period: Int
        public var alpha: Double
        public var beta: Double
        public var gamma: Double
        public var phi: Double
        public var level: Double
        public var slope: Double
        public var season: [Double]
        public var sigma: Double
        public var aicc: Double
        public var name: String { "ETS(A,\(trend.rawValue),\(period > 1 ? "A" : "N"))" + (period > 1 ? "[\(period)]" : "") }
    }

    public struct Forecast: Sendable {
        public var model: String
        public var mean: [Double]
        public var lower: [Double]
        public var upper: [Double]
        /// Each simulated path's total over the horizon, sorted (for intervals on sums).
        public var pathTotals: [Double]
    }

    public init() {}

    /// The seasonal period with the strongest autocorrelation among `candidates` (at least
    /// 0.3, with two full cycles of data), or 1.
    public static func detectPeriod(_ series: [Double], candidates: [Int] = [24, 168, 12, 7, 52, 4]) -> Int {
        var best = (period: 1, correlation: 0.3)
        for period in candidates where series.count >= 2 * period + 2 {
            let correlation = BenchmarkForecasts.autocorrelation(series, lag: period)
            if correlation > best.correlation { best = (period, correlation) }
        }
        return best.period
    }

    /// Fits every model for the detected period (and non-seasonal ones) and keeps the lowest AICc.
    public func fit(_ raw: [Double], period: Int? = nil) -> Model? {
        let series = raw.filter(\.isFinite)
        guard series.count >= 4 else { return nil }
        let m = period ?? Self.detectPeriod(series)
        var best: Model?
        for seasonal in m > 1 && series.count >= 2 * m ? [1, m] : [1] {
            for trend in Trend.allCases {
                guard let model = fit(series, trend: trend, period: seasonal) else { continue }
                if best == nil || model.aicc < best?.aicc ?? .infinity { best = model }
            }
        }
        return best
    }

    public func fit(_ series: [Double], trend: Trend, period: Int) -> Model? {
        let n = series.count
        let m = max(1, period)
        guard n >= max(4, 2 * m) else { return nil }
        // Initial states from the first cycles.
        let first = Array(series.prefix(m > 1 ? m : min(10, n)))
        let level0 = first.reduce(0, +) / Double(first.count)
        var slope0 = 0.0
        if trend != .none {
            if m > 1, n >= 2 * m {
                let second = series[m..<(2 * m)].reduce(0, +) / Double(m)
                slope0 = (second - level0) / Double(m)
            } else {
                slope0 = (series[min(n - 1, 9)] - series[0]) / Double(min(n - 1, 9))
            }
        }
        let season0 = m > 1 ? first.map { $0 - level0 } : []
        func run(_ parameters: [Double]) -> (sse: Double, model: Model) {
            let alpha = parameters[0], beta = parameters[1], gamma = parameters[2], phi = parameters[3]
            var level = level0, slope = slope0, season = season0
            var sse = 0.0
            for (t, y) in series.enumerated() {
                let seasonal = m > 1 ? season[t % m] : 0
                let damped = trend == .none ? 0 : (trend == .damped ? phi : 1) * slope
                let forecast = level + damped + seasonal
                let error = y - forecast
                sse += error * error
                level = level + damped + alpha * error
                if trend != .none { slope = damped + beta * error }
                if m > 1 { season[t % m] = seasonal + gamma * error }
            }
            let model = Model(trend: trend, period: m, alpha: alpha, beta: beta, gamma: gamma, phi: phi, level: level, slope: slope,
                              season: season.isEmpty ? [] : (0..<m).map { season[(n + $0) % m] }, sigma: (sse / Double(n)).squareRoot(), aicc: 0)
            return (sse, model)
        }
        // Parameters live in (0, 1) through a logistic map; β ≤ α, γ ≤ 1 − α, φ in [0.8, 0.98].
        func parameters(_ x: [Double]) -> [Double] {
            let squash = { (v: Double) in 1 / (1 + exp(-v)) }
            let alpha = 0.0001 + 0.9998 * squash(x[0])
            let beta = trend == .none ? 0 : alpha * squash(x[1])
            let gamma = m > 1 ? (1 - alpha) * squash(x[2]) : 0
            let phi = trend == .damped ? 0.8 + 0.18 * squash(x[3]) : 1
            return [alpha, beta, gamma, phi]
        }
        let result = NelderMead.minimise(start: [-1, -2, -2, 1]) { run(parameters($0)).sse }
        var (sse, model) = run(parameters(result))
        guard sse.isFinite, sse >= 0 else { return nil }
        let k = 2.0 + (trend == .none ? 0 : 2) + (trend == .damped ? 1 : 0) + (m > 1 ? Double(m) : 0)
        let likelihood = Double(n) * log(max(sse / Double(n), 1e-300))
        let denominator = Double(n) - k - 1
        model.aicc = denominator > 0 ? likelihood + 2 * k + 2 * k * (k + 1) / denominator : .infinity
        return model
    }

    /// Point forecasts and `coverage` intervals from 500 simulated paths with Gaussian errors.
    public func forecast(_ model: Model, horizon: Int, coverage: Double = 0.8, seed: UInt64 = 1) -> Forecast {
        let m = model.period
        func point(_ h: Int) -> Double {
            var trendPart = 0.0
            if model.trend != .none {
                var factor = 0.0, power = 1.0
                for _ in 0..<h { power *= model.trend == .damped ? model.phi : 1; factor += power }
                trendPart = factor * model.slope
            }
            return model.level + trendPart + (m > 1 ? model.season[(h - 1) % m] : 0)
        }
        let mean = (1...max(1, horizon)).map(point)
        var random = SeededRandom(seed: seed)
        var paths = [[Double]](repeating: [], count: horizon)
        var totals: [Double] = []
        for _ in 0..<500 {
            var total = 0.0
            var level = model.level, slope = model.slope, season = model.season
            for step in 0..<horizon {
                let seasonal = m > 1 ? season[step % m] : 0
                let damped = model.trend == .none ? 0 : (model.trend == .damped ? model.phi : 1) * slope
                let error = model.sigma * random.normal()
                let value = level + damped + seasonal + error
                paths[step].append(value)
                total += value
                level = level + damped + model.alpha * error
                if model.trend != .none { slope = damped + model.beta * error }
                if m > 1 { season[step % m] = seasonal + model.gamma * error }
            }
            totals.append(total)
        }
        let low = (1 - coverage) / 2
        let lower = paths.map { Self.quantile($0, low) }
        let upper = paths.map { Self.quantile($0, 1 - low) }
        return Forecast(model: model.name, mean: Array(mean.prefix(horizon)), lower: lower, upper: upper, pathTotals: totals.sorted())
    }

    static func quantile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count - 1)).rounded())))]
    }
}

/// Nelder–Mead simplex minimisation, for a handful of parameters.
enum NelderMead {
    static func minimise(start: [Double], step: Double = 1, iterations: Int = 300, _ f: ([Double]) -> Double) -> [Double] {
        let dimension = start.count
        var simplex = [start]
        for index in 0..<dimension {
            var point = start
            point[index] += step
            simplex.append(point)
        }
        var values = simplex.map(f)
        for _ in 0..<iterations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if abs(values[dimension] - values[0]) < 1e-10 * (abs(values[0]) + 1e-12) { break }
            let centroid = (0..<dimension).map { d in simplex.prefix(dimension).map { $0[d] }.reduce(0, +) / Double(dimension) }
            let worst = simplex[dimension]
            let reflected = zip(centroid, worst).map { 2 * $0 - $1 }
            let reflectedValue = f(reflected)
            if reflectedValue < values[0] {
                let expanded = zip(centroid, worst).map { 3 * $0 - 2 * $1 }
                let expandedValue = f(expanded)
                if expandedValue < reflectedValue { simplex[dimension] = expanded; values[dimension] = expandedValue } else { simplex[dimension] = reflected; values[dimension] = reflectedValue }
            } else if reflectedValue < values[dimension - 1] {
                simplex[dimension] = reflected
                values[dimension] = reflectedValue
            } else {
                let contracted = zip(centroid, worst).map { 0.5 * ($0 + $1) }
                let contractedValue = f(contracted)
                if contractedValue < values[dimension] {
                    simplex[dimension] = contracted
                    values[dimension] = contractedValue
                } else {
                    for index in 1...dimension {
                        simplex[index] = zip(simplex[0], simplex[index]).map { 0.5 * ($0 + $1) }
                        values[index] = f(simplex[index])
                    }
                }
            }
        }
        return simplex[values.indices.min { values[$0] < values[$1] } ?? 0]
    }
}
