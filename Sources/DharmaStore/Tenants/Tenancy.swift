import DharmaCore

/// What a member of an organisation may do there: one of the four built-in roles, or a custom
/// role the organisation defined as a set of permissions. Each built-in role includes the one
/// before it, but for approvers, who may read and approve without being able to apply.
public struct Role: RawRepresentable, Sendable, Codable, Hashable, CustomStringConvertible {
    public let rawValue: String

    /// A role name: lowercase letters, digits and dashes, starting with a letter, at most 40.
    public init?(rawValue: String) {
        guard rawValue.range(of: "^[a-z][a-z0-9-]{0,39}$", options: .regularExpression) != nil else { return nil }
        self.rawValue = rawValue
    }

    private init(builtIn name: String) {
        rawValue = name
    }

    /// Reads stacks, runs, state (secrets redacted) and the audit log.
    public static let viewer = Role(builtIn: "viewer")
    /// Plans, and applies to stacks that are not protected.
    public static let `operator` = Role(builtIn: "operator")
    /// Approves runs and remediations.
    public static let approver = Role(builtIn: "approver")
    /// Members, tokens, policies, webhooks; and everything else.
    public static let admin = Role(builtIn: "admin")

    public static let builtIn: [Role] = [.viewer, .operator, .approver, .admin]

    public var isBuiltIn: Bool { Self.builtIn.contains(self) }
    public var description: String { rawValue }
}

/// A role an organisation defines: a name and the permissions it grants (the service layer's
/// permission names, `read`, `plan`, `apply`, `destroy`, `approve`, `administer`).
public struct CustomRole: Sendable, Codable, Hashable {
    public var organisation: String
    public var name: Role
    public var permissions: [String]
    public var createdAt: Double

    public init(organisation: String, name: Role, permissions: [String], createdAt: Double) {
        self.organisation = organisation
        self.name = name
        self.permissions = permissions
        self.createdAt = createdAt
    }
}

/// A tenant: everything of one organisation (its projects, stacks, state and audit log) is
/// invisible to everyone outside it.
public struct Organisation: Sendable, Codable, Hashable {
    public var name: String
    public var createdAt: Double

    public init(name: String, createdAt: Double) {
        self.name = name
        self.createdAt = createdAt
    }
}

public struct Project: Sendable, Codable, Hashable {
    public var organisation: String
    public var name: String
    public var createdAt: Double

    public init(organisation: String, name: String, createdAt: Double) {
        self.organisation = organisation
        self.name = name
        self.createdAt = createdAt
    }
}

public struct User: Sendable, Codable, Hashable {
    public var name: String
    /// May create organisations and users; not, by itself, a member of any organisation.
    public var serverAdmin: Bool
    public var createdAt: Double

    public init(name: String, serverAdmin: Bool, createdAt: Double) {
        self.name = name
        self.serverAdmin = serverAdmin
        self.createdAt = createdAt
    }
}

public struct Membership: Sendable, Codable, Hashable {
    public var organisation: String
    public var user: String
    public var role: Role

    public init(organisation: String, user: String, role: Role) {
        self.organisation = organisation
        self.user = user
        self.role = role
    }
}

/// An API token as stored: its secret only as a SHA-256 hash.
public struct APIToken: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    public var user: String
    public var secretHash: String
    public var createdAt: Double
    public var expiresAt: Double?
    public var lastUsedAt: Double?
    public var revoked: Bool

    public init(
        id: String, name: String, user: String, secretHash: String, createdAt: Double, expiresAt: Double?, lastUsedAt: Double? = nil,
        revoked: Bool = false
    ) {
        self.id = id
        self.name = name
        self.user = user
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revoked = revoked
    }
}

/// A stack the server manages: one blueprint's `metadata.name` and environment in one
/// organisation, filed under a project.
public struct ManagedStack: Sendable, Codable, Hashable {
    public var organisation: String
    public var project: String
    public var stack: StackID
    /// Operators may not apply without an approver.
    public var protected: Bool
    public var createdAt: Double
    /// Who locked the stack against new runs, and why; nil when it is not locked.
    public var lockedBy: String?
    public var lockReason: String?

    public init(
        organisation: String, project: String, stack: StackID, protected: Bool, createdAt: Double, lockedBy: String? = nil, lockReason: String? = nil
    ) {
        self.organisation = organisation
        self.project = project
        self.stack = stack
        self.protected = protected
        self.createdAt = createdAt
        self.lockedBy = lockedBy
        self.lockReason = lockReason
    }

    /// How paths address it: `NAME.ENVIRONMENT`.
    public var reference: String { "\(stack.name).\(stack.environment)" }
}

/// One uploaded blueprint text of a stack; versions count from 1.
public struct BlueprintVersion: Sendable, Codable, Hashable {
    public var version: Int
    public var text: String
    public var sha256: String
    public var author: String
    public var createdAt: Double

    public init(version: Int, text: String, sha256: String, author: String, createdAt: Double) {
        self.version = version
        self.text = text
        self.sha256 = sha256
        self.author = author
        self.createdAt = createdAt
    }
}

/// One page of a list, and where the next starts (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: String?

    public init(items: [Item], next: String?) {
        self.items = items
        self.next = next
    }
}

/// Where a page starts and how long it is. The cursor is the key of the last item of the page
/// before, so pages stay stable while rows are added.
public struct PageRequest: Sendable, Hashable {
    public var after: String?
    public var limit: Int

    public init(after: String? = nil, limit: Int = 50) {
        self.after = after
        self.limit = max(1, min(limit, 200))
    }
}

/// A variable every run of a stack passes to its blueprint. A sensitive one's value is kept
/// sealed (`sealed` holds the sealed form) and never returned.
public struct StackVariable: Sendable, Codable, Hashable {
    public var name: String
    /// The value in clear; nil for a sensitive variable.
    public var value: String?
    /// The sealed value of a sensitive variable, as the state store seals it.
    public var sealed: String?
    public var sensitive: Bool
    public var updatedAt: Double

    public init(name: String, value: String?, sealed: String?, sensitive: Bool, updatedAt: Double) {
        self.name = name
        self.value = value
        self.sealed = sealed
        self.sensitive = sensitive
        self.updatedAt = updatedAt
    }
}
