/// What one resource should look like, fully resolved except for values that only exist
/// after apply (`.unknown`), which the executor resolves just before calling the provider.
public struct DesiredResource: Sendable, Codable, Hashable {
    public var name: String
    public var type: String
    public var provider: ProviderName
    public var region: String
    public var inputs: [String: Value]
    public var dependencies: [String]
    public var lifecycle: Lifecycle
    public var tags: [String: String]
    /// Properties the catalog does not call sensitive that carry a secret (`DerivedSecrets`).
    public var derivedSecrets: [String]?

    public init(
        name: String, type: String, provider: ProviderName, region: String, inputs: [String: Value],
        dependencies: [String], lifecycle: Lifecycle, tags: [String: String], derivedSecrets: [String]? = nil
    ) {
        self.name = name
        self.type = type
        self.provider = provider
        self.region = region
        self.inputs = inputs
        self.dependencies = dependencies
        self.lifecycle = lifecycle
        self.tags = tags
        self.derivedSecrets = derivedSecrets
    }

    /// Every property hidden in plans and sealed at rest: the catalog's sensitive ones and
    /// those derived from secrets.
    public var secretInputs: Set<String> {
        Set(ResourceCatalog.type(named: type)?.sensitiveProperties ?? []).union(derivedSecrets ?? [])
    }
}

public enum ChangeAction: String, Sendable, Codable, Hashable, CaseIterable {
    case create, update, replace, delete, noop
}

/// One attribute's change: `old` → `new`. Either side may be absent (created or removed).
public struct AttributeDiff: Sendable, Codable, Hashable {
    public var attribute: String
    public var old: Value?
    public var new: Value?
    public var sensitive: Bool
    /// This attribute's change is why the resource must be replaced.
    public var forcesReplacement: Bool

    public init(attribute: String, old: Value?, new: Value?, sensitive: Bool = false, forcesReplacement: Bool = false) {
        self.attribute = attribute
        self.old = old
        self.new = new
        self.sensitive = sensitive
        self.forcesReplacement = forcesReplacement
    }
}

public struct ResourceChange: Sendable, Codable, Hashable {
    public var resource: String
    public var type: String
    public var action: ChangeAction
    public var diff: [AttributeDiff]
    /// Why, in words: "drift: process 4711 is not running", "not in the blueprint any more".
    public var reason: String?
    public var desired: DesiredResource?

    public init(resource: String, type: String, action: ChangeAction, diff: [AttributeDiff], reason: String?, desired: DesiredResource?) {
        self.resource = resource
        self.type = type
        self.action = action
        self.diff = diff
        self.reason = reason
        self.desired = desired
    }
}

/// A plan: the changes that take recorded state to the blueprint, and the facts it was made
/// from, so that applying a saved plan can refuse when the world has moved on.
public struct Plan: Sendable, Codable {
    /// 2: sensitive values are sealed in saved plans, and the plan names its sensitive variables.
    public static let formatVersion = 2

    public var formatVersion: Int = Plan.formatVersion
    public var stack: StackID
    public var blueprintPath: String
    public var blueprintHash: String
    /// The state serial the plan was computed against.
    public var stateSerial: Int
    /// Hash of what refresh observed, per recorded resource.
    public var observedFingerprint: String
    public var changes: [ResourceChange]
    /// Blueprint outputs; `.unknown` until apply.
    public var outputs: [String: Value]
    /// Variable values the plan was made with, for expressions resolved during apply.
    public var variables: [String: Value]
    /// The blueprint's approval gate, carried so a saved plan is judged by the rule it was made under.
    public var approvals: ApprovalPolicy?
    /// Variables declared `sensitive: true`: sealed in a saved plan like sensitive properties.
    public var sensitiveVariables: [String] = []

    public init(
        stack: StackID, blueprintPath: String, blueprintHash: String, stateSerial: Int, observedFingerprint: String,
        changes: [ResourceChange], outputs: [String: Value], variables: [String: Value]
    ) {
        self.variables = variables
        self.stack = stack
        self.blueprintPath = blueprintPath
        self.blueprintHash = blueprintHash
        self.stateSerial = stateSerial
        self.observedFingerprint = observedFingerprint
        self.changes = changes
        self.outputs = outputs
    }

    public var hasChanges: Bool { changes.contains { $0.action != .noop } }

    public var summary: [ChangeAction: Int] {
        var counts = Dictionary(uniqueKeysWithValues: ChangeAction.allCases.map { ($0, 0) })
        for change in changes { counts[change.action, default: 0] += 1 }
        return counts
    }
}
