/// Why a plan is being applied: what the lock holder says it is doing, what the state version
/// records, and which audit action the change becomes. Read back as a value, never by parsing
/// a summary line.
public enum ApplyOperation: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    /// A person applying a blueprint or a saved plan (`dharma apply`).
    case apply
    /// A person removing the stack (`dharma destroy`).
    case destroy
    /// `dharma up` applying the blueprint's own changes as the person running it.
    case reconcile = "up"
    /// The autopilot restoring what was applied (restart, reconcile, recreate, renew, scale-out).
    case remediate
    /// The autopilot removing replicas the autoscaler no longer needs.
    case scaleIn = "scale-in"
    /// The autopilot moving a pinned version to the release that fixes an advisory.
    case patch
    /// Putting back what was there before a change that did not hold.
    case rollback

    /// The audit log's action for an apply of this kind.
    public var auditAction: String {
        self == .reconcile ? "reconcile" : rawValue
    }

    /// The name as written in files, the database and messages.
    public var description: String { rawValue }
}
