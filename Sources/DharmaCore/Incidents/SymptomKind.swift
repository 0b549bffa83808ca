/// What kind of trouble the autopilot saw on a resource. Stored with every incident and every
/// remediation outcome, so it lives beside the other shared vocabulary.
public enum SymptomKind: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    /// Replicas of a service are not running.
    case crash
    /// The resource runs but no longer matches what was applied (an edited file, a
    /// changed command line, an extra process).
    case drift
    /// The resource is gone altogether.
    case missing
    /// An autoscaled service's replicas run above their CPU target.
    case cpu
    /// Replicas run but fail their health check, several times in a row.
    case unhealthy
    /// Replicas' resident memory grows steadily: a leak, not a spike.
    case memory
    /// A database query is slow because it scans a whole table; an index would serve it.
    case slowQuery = "slow-query"
    /// A certificate is within its renewal window, or expired.
    case expiring
    /// The version a service pins is affected by a published advisory.
    case vulnerable
    /// A service's error budget burns faster than a burn-rate alert allows, over both of its
    /// windows.
    case sloBurn = "slo-burn"

    /// What the autopilot can do about it; when there are several, the chooser picks by what
    /// worked before. Never empty.
    public var remediations: [RemediationAction] {
        switch self {
        case .crash: [.restart]
        case .drift: [.reconcile]
        case .missing: [.recreate]
        case .cpu: [.scaleOut]
        case .unhealthy, .memory: [.restartReplica]
        case .slowQuery: [.createIndex]
        case .expiring: [.renew]
        case .vulnerable: [.patch]
        case .sloBurn: [.notify]
        }
    }

    /// The name as written in files, the database and messages.
    public var description: String { rawValue }
}
