import Foundation

/// The Kubernetes HPA's arithmetic: `desired = ceil(current × utilisation / target)`, no
/// change while the ratio is within the tolerance, scale-out at once, scale-in only to the
/// highest count recommended over the stabilisation window (so a brief lull does not remove
/// replicas that are needed again a minute later), always within min…max.
public struct HorizontalScaler: Sendable, Hashable {
    public var target: Double
    public var bounds: ClosedRange<Int>
    public var scaleDownAfter: Double
    public var tolerance: Double

    private var recommendations: [(time: Double, replicas: Int)] = []

    public init(target: Double, bounds: ClosedRange<Int>, scaleDownAfter: Double = 300, tolerance: Double = 0.1) {
        self.target = target
        self.bounds = bounds
        self.scaleDownAfter = scaleDownAfter
        self.tolerance = tolerance
    }

    public static func == (lhs: HorizontalScaler, rhs: HorizontalScaler) -> Bool {
        lhs.target == rhs.target && lhs.bounds == rhs.bounds && lhs.scaleDownAfter == rhs.scaleDownAfter && lhs.tolerance == rhs.tolerance
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(target)
        hasher.combine(bounds)
    }

    /// The formula alone: what `utilisation` (percent of each replica's CPU, averaged) asks for.
    public func recommend(current: Int, utilisation: Double) -> Int {
        guard target > 0, utilisation.isFinite, current > 0 else { return clamp(current) }
        let ratio = utilisation / target
        guard abs(ratio - 1) > tolerance else { return clamp(current) }
        return clamp(Int((Double(current) * ratio).rounded(.up)))
    }

    /// The count to run now, given this observation at `time`.
    public mutating func decide(current: Int, utilisation: Double, at time: Double) -> Int {
        let recommended = recommend(current: current, utilisation: utilisation)
        recommendations.append((time, recommended))
        recommendations.removeAll { time - $0.time > scaleDownAfter }
        if recommended >= current { return recommended }
        return min(current, recommendations.map(\.replicas).max() ?? current)
    }

    private func clamp(_ replicas: Int) -> Int {
        min(max(replicas, bounds.lowerBound), bounds.upperBound)
    }
}
