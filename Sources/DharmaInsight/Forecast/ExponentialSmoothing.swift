import Foundation

/// Exponential smoothing state-space models (Hyndman et al.): additive or multiplicative
/// error, no / additive / damped trend, no / additive / multiplicative seasonality. Each is
/// fitted by maximum likelihood (Nelder–Mead over the smoothing parameters), the model is
/// chosen by AICc, and prediction intervals come from simulated sample paths.
/// Multiplicative components need positive data; additive error with multiplicative
/// seasonality is left out, as it is numerically unstable.
public struct ExponentialSmoothing: Sendable {
    public enum Trend: String, Sendable, CaseIterable { case none = "N", additive = "A", damped = "Ad" }
    public enum Component: String, Sendable, CaseIterable { case none = "N", additive = "A", multiplicative = "M" }

    public struct Model: Sendable {
        public var error: Component
        public var trend: Trend
        public var seasonality: Component
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
        public var name: String {
            "ETS(\(error.rawValue),\(trend.rawValue),\(seasonality.rawValue))" + (seasonality != .none ? "[\(period)]" : "")
        }
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

    /// Fits every admissible model for the detected (or given) period and keeps the lowest AICc.
    public func fit(_ raw: [Double], period: Int? = nil) -> Model? {
        let series = raw.filter(\.isFinite)
        guard series.count >= 4 else { return nil }
        let m = period ?? Self.detectPeriod(series)
        let positive = series.allSatisfy { $0 > 0 }
        var best: Model?
        for error in positive ? [Component.additive, .multiplicative] : [.additive] {
            for seasonality in Component.allCases {
                if seasonality != .none && (m <= 1 || series.count < 2 * m) { continue }
                if seasonality == .multiplicative && (!positive || error == .additive) { continue }
                for trend in Trend.allCases {
                    guard let model = fit(series, error: error, trend: trend, seasonality: seasonality, period: seasonality == .none ? 1 : m) else { continue }
                    if best == nil || model.aicc < best?.aicc ?? .infinity { best = model }
                }
            }
        }
        return best
    }

    /// The additive-error model with or without seasonality, as earlier callers ask for it.
    public func fit(_ series: [Double], trend: Trend, period: Int) -> Model? {
        fit(series, error: .additive, trend: trend, seasonality: period > 1 ? .additive : .none, period: period)
    }

    /// One step of the state equations: the one-step forecast, then the updated states.
    static func step(
        _ y: Double?, level: inout Double, slope: inout Double, seasonal: inout Double,
        trend: Trend, seasonality: Component, alpha: Double, beta: Double, gamma: Double, phi: Double,
        shock: Double? = nil, error: Component = .additive
    ) -> (mean: Double, value: Double) {
        let damped = trend == .none ? 0 : (trend == .damped ? phi : 1) * slope
        let base = level + damped
        let mean: Double
        switch seasonality {
        case .none: mean = base
        case .additive: mean = base + seasonal
        case .multiplicative: mean = base * seasonal
        }
        let value = y ?? (error == .multiplicative ? mean * (1 + (shock ?? 0)) : mean + (shock ?? 0))
        let residual = value - mean
        switch seasonality {
        case .multiplicative:
            let s = seasonal == 0 ? 1e-9 : seasonal
            level = base + alpha * residual / s
            if trend != .none { slope = damped + beta * residual / s }
            seasonal = s + gamma * residual / (base == 0 ? 1e-9 : base)
        default:
            level = base + alpha * residual
            if trend != .none { slope = damped + beta * residual }
            if seasonality == .additive { seasonal += gamma * residual }
        }
        return (mean, value)
    }

    public func fit(_ series: [Double], error: Component, trend: Trend, seasonality: Component, period: Int) -> Model? {
        let n = series.count
        let m = seasonality == .none ? 1 : max(2, period)
        guard n >= max(4, 2 * m), error != .none else { return nil }
        // Initial states from the first cycles.
        let first = Array(series.prefix(m > 1 ? m : min(10, n)))
        var level0 = first.reduce(0, +) / Double(first.count)
        var slope0 = 0.0
        if trend != .none {
            if m > 1, n >= 2 * m {
                let second = series[m..<(2 * m)].reduce(0, +) / Double(m)
                slope0 = (second - level0) / Double(m)
            } else {
                // A line through the first points: the level before the first observation is its
                // intercept, not their mean (which sits mid-way up a trend and costs the fit
                // most of its first errors).
                let k = Double(first.count)
                let meanT = (k + 1) / 2
                var covariance = 0.0, variance = 0.0
                for (index, y) in first.enumerated() {
                    covariance += (Double(index + 1) - meanT) * (y - level0)
                    variance += (Double(index + 1) - meanT) * (Double(index + 1) - meanT)
                }
                slope0 = variance > 0 ? covariance / variance : 0
                level0 -= slope0 * meanT
            }
        }
        let season0: [Double]
        switch seasonality {
        case .none: season0 = []
        case .additive: season0 = first.map { $0 - level0 }
        case .multiplicative: season0 = first.map { level0 == 0 ? 1 : $0 / level0 }
        }
        func run(_ parameters: [Double]) -> (criterion: Double, sse: Double, model: Model) {
            let alpha = parameters[0], beta = parameters[1], gamma = parameters[2], phi = parameters[3]
            var level = level0, slope = slope0, season = season0
            var squares = 0.0, logMeans = 0.0
            for (t, y) in series.enumerated() {
                var seasonal = m > 1 ? season[t % m] : (seasonality == .multiplicative ? 1 : 0)
                let (mean, _) = Self.step(
                    y, level: &level, slope: &slope, seasonal: &seasonal, trend: trend, seasonality: seasonality,
                    alpha: alpha, beta: beta, gamma: gamma, phi: phi)
                if m > 1 { season[t % m] = seasonal }
                if error == .multiplicative {
                    guard mean > 0 else { return (.infinity, .infinity, placeholder) }
                    let relative = (y - mean) / mean
                    squares += relative * relative
                    logMeans += log(mean)
                } else {
                    squares += (y - mean) * (y - mean)
                }
            }
            let criterion = Double(n) * log(max(squares / Double(n), 1e-300)) + 2 * logMeans
            let model = Model(
                error: error, trend: trend, seasonality: seasonality, period: m, alpha: alpha, beta: beta, gamma: gamma, phi: phi,
                level: level, slope: slope, season: season.isEmpty ? [] : (0..<m).map { season[(n + $0) % m] },
                sigma: (squares / Double(n)).squareRoot(), aicc: 0)
            return (criterion, squares, model)
        }
        let placeholder = Model(
            error: error, trend: trend, seasonality: seasonality, period: m, alpha: 0, beta: 0, gamma: 0, phi: 1,
            level: 0, slope: 0, season: [], sigma: 0, aicc: .infinity)
        // Parameters live in (0, 1) through a logistic map; β ≤ α, γ ≤ 1 − α, φ in [0.8, 0.98].
        func parameters(_ x: [Double]) -> [Double] {
            let squash = { (v: Double) in 1 / (1 + exp(-v)) }
            let alpha = 0.0001 + 0.9998 * squash(x[0])
            let beta = trend == .none ? 0 : alpha * squash(x[1])
            let gamma = m > 1 ? (1 - alpha) * squash(x[2]) : 0
            let phi = trend == .damped ? 0.8 + 0.18 * squash(x[3]) : 1
            return [alpha, beta, gamma, phi]
        }
        let result = NelderMead.minimise(start: [-1, -2, -2, 1]) { run(parameters($0)).criterion }
        var (criterion, sse, model) = run(parameters(result))
        guard criterion.isFinite, sse.isFinite else { return nil }
        let k = 2.0 + (trend == .none ? 0 : 2) + (trend == .damped ? 1 : 0) + (m > 1 ? Double(m) : 0)
        let denominator = Double(n) - k - 1
        model.aicc = denominator > 0 ? criterion + 2 * k + 2 * k * (k + 1) / denominator : .infinity
        return model
    }

    /// Point forecasts (the mean of the sample paths for multiplicative models) and `coverage`
    /// intervals from 500 simulated paths with Gaussian errors.
    public func forecast(_ model: Model, horizon: Int, coverage: Double = 0.8, seed: UInt64 = 1) -> Forecast {
        let m = model.period
        var level = model.level, slope = model.slope, season = model.season
        var mean: [Double] = []
        for step in 0..<max(1, horizon) {
            var seasonal = m > 1 ? season[step % m] : (model.seasonality == .multiplicative ? 1 : 0)
            let point = Self.step(
                nil, level: &level, slope: &slope, seasonal: &seasonal, trend: model.trend, seasonality: model.seasonality,
                alpha: model.alpha, beta: model.beta, gamma: model.gamma, phi: model.phi, shock: 0, error: model.error)
            if m > 1 { season[step % m] = seasonal }
            mean.append(point.mean)
        }
        var random = SeededRandom(seed: seed)
        var paths = [[Double]](repeating: [], count: horizon)
        var totals: [Double] = []
        for _ in 0..<500 {
            var level = model.level, slope = model.slope, season = model.season
            var total = 0.0
            for step in 0..<horizon {
                var seasonal = m > 1 ? season[step % m] : (model.seasonality == .multiplicative ? 1 : 0)
                let (_, value) = Self.step(
                    nil, level: &level, slope: &slope, seasonal: &seasonal, trend: model.trend, seasonality: model.seasonality,
                    alpha: model.alpha, beta: model.beta, gamma: model.gamma, phi: model.phi,
                    shock: model.sigma * random.normal(), error: model.error)
                if m > 1 { season[step % m] = seasonal }
                paths[step].append(value)
                total += value
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
                if expandedValue < reflectedValue {
                    simplex[dimension] = expanded; values[dimension] = expandedValue
                } else {
                    simplex[dimension] = reflected; values[dimension] = reflectedValue
                }
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
