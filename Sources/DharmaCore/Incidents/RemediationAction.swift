/// What the autopilot does about an incident.
public enum RemediationAction: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    /// Start the replicas that are down again.
    case restart
    /// Put a drifted resource back as it was applied.
    case reconcile
    /// Create a resource that disappeared again.
    case recreate
    /// Run more replicas of an autoscaled service.
    case scaleOut = "scale-out"
    /// Drain, restart and health-check one replica at a time.
    case restartReplica = "restart-replica"
    /// Create the index a slow query's plan lacks.
    case createIndex = "create-index"
    /// Issue a certificate again and reload the services that use it.
    case renew
    /// Move a pinned version to the release that fixes an advisory.
    case patch
    /// Tell people and change nothing: what a burning error budget calls for, since what burns
    /// it (crashes, failing health checks, load) is an incident of its own, remediated as such.
    case notify

    /// Whether the remediation changes the stack beyond restoring what was applied, so the
    /// policy gate must judge it first. Restoring what was applied (a restart, a reconcile, a
    /// recreate, a renewal) changes nothing the gate has not already passed.
    public var changesInfrastructure: Bool {
        switch self {
        case .scaleOut, .createIndex, .patch: true
        case .restart, .reconcile, .recreate, .restartReplica, .renew, .notify: false
        }
    }

    /// The name as written in files, the database and messages.
    public var description: String { rawValue }
}
