import DharmaCore

/// What a resource is, for pricing: the blueprint's desired resource or a recorded one.
public struct PricedResource: Sendable {
    public var name: String
    public var type: String
    public var provider: ProviderName
    public var region: String
    public var inputs: [String: Value]
    public var usage: Usage?
    /// How instances are bought; nil means as the blueprint says (`spot: true`, else on-demand).
    public var purchase: PurchaseOption?
    /// Resources this one refers to; the optimiser moves connected resources together.
    public var dependencies: [String] = []

    public init(name: String, type: String, provider: ProviderName, region: String, inputs: [String: Value], usage: Usage? = nil) {
        self.name = name
        self.type = type
        self.provider = provider
        self.region = region
        self.inputs = inputs
        self.usage = usage
    }
}

/// How compute capacity is bought.
public enum PurchaseOption: String, Sendable, CaseIterable {
    case onDemand = "on-demand"
    case reserved1y = "reserved-1y"
    case spot
}

/// One priced component: "2 × m6i.large on-demand", "100 GB gp3".
public struct LineItem: Sendable, Hashable {
    public var description: String
    public var monthly: Double
    public var source: String

    public init(_ description: String, monthly: Double, source: String) {
        self.description = description
        self.monthly = monthly
        self.source = source
    }
}

/// The monthly cost and carbon of one resource, with how it was worked out.
public struct ResourceCost: Sendable {
    public var name: String
    public var type: String
    public var provider: ProviderName
    public var region: String
    /// Nil when a price is not known; `unknownReason` says why.
    public var monthly: Double?
    public var unknownReason: String?
    /// The instance type or size chosen, and the purchase option.
    public var choice: String?
    public var lines: [LineItem] = []
    public var assumptions: [String] = []
    public var energyKwh: Double?
    public var carbonKg: Double?
    public var carbonUnknownReason: String?
    /// How prices in this region were derived, said once per stack.
    public var regionNote: String?
    /// An input problem (unknown region, instance type): `dharma cost` fails on it.
    public var problem: CostError?

    public init(name: String, type: String, provider: ProviderName, region: String) {
        self.name = name
        self.type = type
        self.provider = provider
        self.region = region
    }
}

/// The monthly estimate of a whole stack.
public struct CostEstimate: Sendable {
    public var currency: String
    public var resources: [ResourceCost]
    /// Notes that hold for the whole estimate (how regional prices were derived).
    public var notes: [String] = []

    public var total: Double { resources.compactMap(\.monthly).reduce(0, +) }
    public var totalCarbonKg: Double { resources.compactMap(\.carbonKg).reduce(0, +) }
    public var unknown: [ResourceCost] { resources.filter { $0.monthly == nil } }
    public var problems: [CostError] { resources.compactMap(\.problem) }

    public func resource(named name: String) -> ResourceCost? { resources.first { $0.name == name } }
}
