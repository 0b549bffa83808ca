import DharmaCore
import DharmaStore
import Foundation

/// Picks among remediations that fit a symptom by what they achieved before: UCB1, the
/// bandit that tries each option once, then favours the best mean reward (success, quickly)
/// while still exploring options it has tried little. Deterministic for a given history.
public enum RemediationChooser {
    /// UCB1's exploration term is weighted by ½: the options are fixes to a running system,
    /// so the autopilot leans toward what is known to work rather than gambling.
    static let exploration = 0.5

    public static func choose(among candidates: [RemediationAction], for symptom: SymptomKind, history: [RemediationOutcome]) -> RemediationAction? {
        guard !candidates.isEmpty else { return nil }
        let relevant = history.filter { $0.symptom == symptom && candidates.contains($0.action) }
        var tries: [RemediationAction: Int] = [:]
        var rewards: [RemediationAction: Double] = [:]
        for outcome in relevant {
            tries[outcome.action, default: 0] += 1
            rewards[outcome.action, default: 0] += RemediationStats.reward(outcome)
        }
        if let untried = candidates.first(where: { tries[$0] == nil }) { return untried }
        let total = Double(relevant.count)
        return candidates.max { score($0) < score($1) }

        func score(_ action: RemediationAction) -> Double {
            let count = Double(tries[action] ?? 1)
            return (rewards[action] ?? 0) / count + exploration * (2 * log(total) / count).squareRoot()
        }
    }
}
