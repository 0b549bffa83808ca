import DharmaAutopilot
import DharmaCore
import Foundation
import Synchronization

/// The health each supervised stack's autopilot scored on its latest tick, so pages listing
/// many stacks read a score instead of surveying every stack again (a survey looks at every
/// process and file of the stack: tens of milliseconds each).
public final class HealthBoard: Sendable {
    private struct Entry {
        var score: HealthScore
        var time: Double
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Older scores are not trusted: the supervision may have stalled or ended.
    public let freshFor: Double

    public init(freshFor: Double = 30) {
        self.freshFor = freshFor
    }

    func record(_ score: HealthScore, of stack: StackID, in organisation: String, at time: Double = Date().timeIntervalSince1970) {
        entries.withLock { $0[Self.key(stack, organisation)] = Entry(score: score, time: time) }
    }

    func forget(_ stack: StackID, in organisation: String) {
        _ = entries.withLock { $0.removeValue(forKey: Self.key(stack, organisation)) }
    }

    /// The latest score, if it is fresh.
    public func score(of stack: StackID, in organisation: String, now: Double = Date().timeIntervalSince1970) -> HealthScore? {
        entries.withLock { entries in
            entries[Self.key(stack, organisation)].flatMap { now - $0.time <= freshFor ? $0.score : nil }
        }
    }

    private static func key(_ stack: StackID, _ organisation: String) -> String {
        "\(organisation)/\(stack)"
    }
}
