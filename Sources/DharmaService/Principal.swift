import DharmaAudit
import DharmaStore

/// Who is calling a service operation, how they proved it, and what they may do. Every
/// operation checks its permission against the principal it is handed, so a caller (CLI,
/// HTTP route, chat, MCP) cannot skip the check by forgetting it.
public struct Principal: Sendable, Hashable {
    public enum Authentication: String, Sendable, Hashable {
        /// The person running the CLI on this machine.
        case localUser = "local-user"
        /// An API token, a session, a joined agent: what the server adds.
        case token
        /// A JWT from the server's OIDC issuer, verified against the issuer's keys.
        case oidc
        /// A signed-in browser session of the web console (password or OIDC sign-in).
        case session
        /// The server acting by itself (restarts, supervision).
        case server
    }

    /// The name the audit log records (`alice@laptop`).
    public var name: String
    public var authentication: Authentication
    public var permissions: Set<Permission>
    /// The server's user this principal is, and their roles per organisation; empty on one machine.
    public var memberships: [String: Role]
    /// What each custom role among `memberships` grants, by organisation.
    public var customPermissions: [String: Set<Permission>] = [:]
    /// May create organisations and users on the server.
    public var serverAdmin: Bool

    public init(
        name: String, authentication: Authentication, permissions: Set<Permission>, memberships: [String: Role] = [:], serverAdmin: Bool = false
    ) {
        self.name = name
        self.authentication = authentication
        self.permissions = permissions
        self.memberships = memberships
        self.serverAdmin = serverAdmin
    }

    /// A server user: what they may do depends on the organisation, so they hold no
    /// permission until `scoped(to:)` names one. `customRoles` say what the custom roles among
    /// `memberships` grant; a custom role not among them grants nothing.
    public static func member(_ user: User, memberships: [Membership], authentication: Authentication, customRoles: [CustomRole] = []) -> Principal {
        var principal = Principal(
            name: user.name, authentication: authentication, permissions: [],
            memberships: Dictionary(memberships.map { ($0.organisation, $0.role) }, uniquingKeysWith: { first, _ in first }),
            serverAdmin: user.serverAdmin)
        for role in customRoles where principal.memberships[role.organisation] == role.name {
            principal.customPermissions[role.organisation] = Set(role.permissions.compactMap(Permission.init(rawValue:)))
        }
        return principal
    }

    /// A server user, with the custom roles they hold read from `store`.
    public static func member(
        _ user: User, memberships: [Membership], authentication: Authentication, resolvingIn store: any CustomRoleStore
    ) async throws -> Principal {
        var customRoles: [CustomRole] = []
        for membership in memberships where !membership.role.isBuiltIn {
            customRoles += try await store.customRoles(in: membership.organisation).filter { $0.name == membership.role }
        }
        return member(user, memberships: memberships, authentication: authentication, customRoles: customRoles)
    }

    /// The server acting by itself, holding no permission: for work no user asked for.
    public static var server: Principal {
        Principal(name: "dharma-server", authentication: .server, permissions: [])
    }

    /// This principal acting in `organisation`, with its role's permissions there (none
    /// outside its organisations).
    public func scoped(to organisation: String) -> Principal {
        var scoped = self
        guard let role = memberships[organisation] else {
            scoped.permissions = []
            return scoped
        }
        scoped.permissions = role.isBuiltIn ? role.permissions : customPermissions[organisation] ?? []
        return scoped
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

extension Role {
    /// What a built-in role may do in its organisation (a custom role's permissions are the
    /// organisation's to say: `Principal.customPermissions`). An approver approves without
    /// being able to apply.
    public var permissions: Set<Permission> {
        switch self {
        case .viewer: [.read]
        case .operator: [.read, .plan, .apply]
        case .approver: [.read, .approve]
        case .admin: Set(Permission.allCases)
        default: []
        }
    }
}
