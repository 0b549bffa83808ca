/// What Dharma recorded about a resource after applying it: the inputs it applied and the
/// outputs the provider reported back.
public struct ResourceState: Sendable, Codable, Hashable {
    public var name: String
    public var type: String
    public var provider: ProviderName
    public var region: String
    public var inputs: [String: Value]
    public var outputs: [String: Value]
    public var dependencies: [String]
    public var lifecycle: Lifecycle
    /// Properties the catalog does not call sensitive that carry a secret: sealed at rest, and
    /// read back from which inputs were sealed.
    public var derivedSecrets: [String]?

    public init(
        name: String, type: String, provider: ProviderName, region: String, inputs: [String: Value],
        outputs: [String: Value], dependencies: [String], lifecycle: Lifecycle, derivedSecrets: [String]? = nil
    ) {
        self.name = name
        self.type = type
        self.provider = provider
        self.region = region
        self.inputs = inputs
        self.outputs = outputs
        self.dependencies = dependencies
        self.lifecycle = lifecycle
        self.derivedSecrets = derivedSecrets
    }

    /// Every input hidden when shown and sealed at rest: the catalog's sensitive properties
    /// and those derived from secrets.
    public var secretInputs: Set<String> {
        Set(ResourceCatalog.type(named: type)?.sensitiveProperties ?? []).union(derivedSecrets ?? [])
    }

    /// An attribute by name: a property's declared value, else what the provider reported.
    public func attribute(_ name: String) -> Value? {
        inputs[name] ?? outputs[name]
    }
}

/// The recorded state of one stack. `serial` goes up with every recorded change, which is how a
/// saved plan knows it has gone stale.
public struct StackState: Sendable, Codable, Hashable {
    public var stack: StackID
    public var serial: Int
    public var resources: [String: ResourceState]

    public init(stack: StackID, serial: Int = 0, resources: [String: ResourceState] = [:]) {
        self.stack = stack
        self.serial = serial
        self.resources = resources
    }
}
