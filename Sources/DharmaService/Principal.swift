import DharmaAudit

/// Who is calling a service operation, how they proved it, and what they may do. Every
/// operation checks its permission against the principal it is handed, so a caller (CLI,
/// HTTP route, chat, MCP) cannot skip the check by forgetting it.
public struct Principal: Sendable, Hashable {
    public enum Authentication: String, Sendable, Hashable {
        /// The person running the CLI on this machine.
        case localUser = "local-user"
        /// An API token, a session, a joined agent: what the server adds.
        case token
    }

    /// The name the audit log records (`alice@laptop`).
    public var name: String
    public var authentication: Authentication
    public var permissions: Set<Permission>

    public init(name: String, authentication: Authentication, permissions: Set<Permission>) {
        self.name = name
        self.authentication = authentication
        self.permissions = permissions
    }

    /// The person running this process, with every permission: on one machine, the state
    /// files' owner can do anything anyway.
    public static var localUser: Principal {
        Principal(name: AuditLog.currentActor, authentication: .localUser, permissions: Set(Permission.allCases))
    }

    public func may(_ permission: Permission) -> Bool {
        permissions.contains(permission)
    }
}

/// What an operation needs the principal to be allowed.
public enum Permission: String, Sendable, Hashable, CaseIterable {
    /// Read blueprints, plans, state, incidents, health, metrics and the audit log.
    case read
    /// Make plans and price them; write metrics.
    case plan
    /// Apply plans and supervise stacks.
    case apply
    /// Destroy stacks and break locks.
    case destroy
    /// Approve plans and remediations.
    case approve
    /// Rotate the audit log's keys.
    case administer
}
