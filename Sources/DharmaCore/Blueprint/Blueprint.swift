/// A parsed blueprint (format `dharma.dev/v3`): what a team wants to run, and where.
public struct Blueprint: Sendable {
    public static let apiVersion = "dharma.dev/v3"
    public static let kind = "Blueprint"

    public var path: String
    public var metadata: Metadata
    public var target: Placement
    public var variables: [VariableDeclaration]
    public var resources: [ResourceSpec]
    public var outputs: [OutputSpec]
    public var environments: [String: EnvironmentOverlay]
    /// Who must approve a plan before it may be applied; nil means no approval gate.
    public var approvals: ApprovalPolicy? = nil
    /// The policy gate (`policy: {failOn: high}`): every change to the stack — apply, `up`'s
    /// reconcile, the autopilot's scale-outs, patches and indexes — is refused while a check
    /// at or above this severity fails. nil: findings are reported, nothing is refused.
    public var policyThreshold: FindingSeverity? = nil

    public var stack: StackID { StackID(name: metadata.name, environment: metadata.environment) }

    public func resource(named name: String) -> ResourceSpec? {
        resources.first { $0.name == name }
    }
}

public struct Metadata: Sendable {
    public var name: String
    public var environment: String
    public var owner: String?
    public var labels: [String: String]
    /// Settings later stages read (`budget`, …), kept as written.
    public var extra: [String: Value]
}

public struct Placement: Sendable, Hashable {
    public var provider: ProviderName
    public var region: String
    /// Where `target.region` is written, for diagnostics about it.
    public var regionLocation: SourceLocation? = nil
}

public struct VariableDeclaration: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case string, integer, number, boolean, list, map
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: Value?
    public var description: String?
    public var sensitive: Bool
    public var location: SourceLocation
}

public struct ResourceSpec: Sendable {
    public var name: String
    public var type: String
    public var provider: ProviderName?
    public var region: String?
    public var properties: [PropertyEntry]
    public var dependsOn: [Located<String>]
    public var tags: [String: String]
    public var lifecycle: Lifecycle
    public var location: SourceLocation
    public var typeLocation: SourceLocation
    /// Where the resource's own `region` is written.
    public var regionLocation: SourceLocation? = nil
    /// `count` or `forEach`: the resource stands for several copies, `name[0]` or `name["key"]`.
    public var repetition: Repetition? = nil

    public func property(_ name: String) -> PropertyEntry? {
        properties.first { $0.name == name }
    }
}

/// A property as written: its name's location for "unknown property", its value node for
/// everything else.
public struct PropertyEntry: Sendable {
    public var name: String
    public var nameLocation: SourceLocation
    public var node: YNode
}

public struct Lifecycle: Sendable, Hashable, Codable {
    public var preventDestroy: Bool = false
    /// Property names whose changes (and drift) apply and plan leave alone.
    public var ignoreChanges: [String] = []

    public init(preventDestroy: Bool = false, ignoreChanges: [String] = []) {
        self.preventDestroy = preventDestroy
        self.ignoreChanges = ignoreChanges
    }
}

public struct OutputSpec: Sendable {
    public var name: String
    public var node: YNode
}

public struct EnvironmentOverlay: Sendable {
    public var variables: [String: Located<Value>]
    public var location: SourceLocation
}

public struct Located<Wrapped: Sendable>: Sendable {
    public var value: Wrapped
    public var location: SourceLocation

    public init(_ value: Wrapped, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// A stack is one deployed instance of a blueprint: its name plus an environment.
public struct StackID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var environment: String

    public init(name: String, environment: String) {
        self.name = name
        self.environment = environment
    }

    public var description: String { "\(name)/\(environment)" }
}

/// "A plan is applied only when `required` of the people in `from` approved exactly it."
public struct ApprovalPolicy: Sendable, Hashable, Codable {
    public var required: Int
    public var from: [String]

    public init(required: Int, from: [String]) {
        self.required = required
        self.from = from
    }
}
