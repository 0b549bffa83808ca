import DharmaCore
import DharmaStore

/// How well each remediation has worked for each symptom: the table `dharma autopilot stats`
/// prints and the chooser learns from.
public struct RemediationStats: Sendable, Hashable, Codable {
    public var symptom: SymptomKind
    public var action: RemediationAction
    public var attempts: Int
    public var successes: Int
    /// Median seconds from incident opening to verified recovery, over the successes.
    public var medianRecovery: Double?
    public var meanRecovery: Double?

    public var successRate: Double { attempts == 0 ? 0 : Double(successes) / Double(attempts) }

    /// The reward one outcome earns: 0 for a failure; for a success, 1 when instant, falling
    /// as recovery takes longer (½ at one minute), so a fix that works and is fast wins.
    public static func reward(_ outcome: RemediationOutcome) -> Double {
        outcome.succeeded ? 1 / (1 + max(outcome.seconds, 0) / 60) : 0
    }

    /// One row per (symptom, action), sorted.
    public static func table(_ outcomes: [RemediationOutcome]) -> [RemediationStats] {
        let groups = Dictionary(grouping: outcomes) { OutcomeKey(symptom: $0.symptom, action: $0.action) }
        return groups.values.compactMap { group -> RemediationStats? in
            guard let first = group.first else { return nil }
            let recoveries = group.filter(\.succeeded).map(\.seconds).sorted()
            let median: Double? =
                recoveries.isEmpty
                ? nil
                : recoveries.count % 2 == 1
                    ? recoveries[recoveries.count / 2]
                    : (recoveries[recoveries.count / 2 - 1] + recoveries[recoveries.count / 2]) / 2
            return RemediationStats(
                symptom: first.symptom, action: first.action, attempts: group.count, successes: recoveries.count,
                medianRecovery: median,
                meanRecovery: recoveries.isEmpty ? nil : recoveries.reduce(0, +) / Double(recoveries.count))
        }.sorted { ($0.symptom.rawValue, $0.action.rawValue) < ($1.symptom.rawValue, $1.action.rawValue) }
    }

    private struct OutcomeKey: Hashable {
        var symptom: SymptomKind
        var action: RemediationAction
    }
}
