import DharmaCore

/// A blueprint resolved for code generation: resources in dependency order, the variables
/// that stay variables in the output, and the outputs.
public struct ExportStack: Sendable {
    public var name: String
    public var environment: String
    public var owner: String?
    public var resources: [ExportResource]
    public var variables: [VariableDeclaration]
    public var variableValues: [String: Value]
    public var outputs: [(name: String, expr: Expr)]
    private var index: [String: Int] = [:]

    public func resource(named name: String) -> ExportResource? {
        index[name].map { resources[$0] }
    }

    public struct Options: Sendable {
        /// Puts every resource on this provider, as `--provider` asks.
        public var provider: ProviderName?
        /// Region for resources moved to `provider`; its default region when nil.
        public var region: String?
        /// Instance types chosen by price for VMs (`size`) and clusters (`nodeSize`) that name
        /// none, so the code deploys what `dharma cost` priced.
        public var sizes: [String: String]

        public init(provider: ProviderName? = nil, region: String? = nil, sizes: [String: String] = [:]) {
            self.provider = provider
            self.region = region
            self.sizes = sizes
        }
    }

    public init(blueprint: Blueprint, variables: [String: Value], options: Options = Options()) {
        name = blueprint.metadata.name
        environment = blueprint.metadata.environment
        owner = blueprint.metadata.owner
        self.variables = blueprint.variables
        variableValues = variables
        let order = BlueprintReferences.graph(of: blueprint).topologicalOrder() ?? blueprint.resources.map(\.name)
        let byName = Dictionary(blueprint.resources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var baseTags = blueprint.metadata.labels
        baseTags["stack"] = blueprint.metadata.name
        baseTags["environment"] = blueprint.metadata.environment
        if let owner = blueprint.metadata.owner { baseTags["owner"] = owner }
        baseTags["managed-by"] = "dharma"
        resources = order.compactMap { name in
            guard let spec = byName[name], let type = ResourceCatalog.type(named: spec.type) else { return nil }
            var inputs = PropertyValues.inputs(of: spec, type: type)
            let sizeProperty = spec.type == "compute.cluster" ? "nodeSize" : "size"
            // Copies (`app[0]`) become resources of their own in code, named as identifiers allow (`app-0`).
            let flatName = ResourceAddress.flatName(of: spec.name)
            if inputs[sizeProperty] == nil, let size = options.sizes[flatName] { inputs[sizeProperty] = .string(size) }
            if spec.type == "network.loadbalancer" { Self.place(balancer: spec, in: blueprint, inputs: &inputs) }
            let provider: ProviderName
            let region: String
            if let forced = options.provider {
                provider = forced
                let original = spec.provider ?? blueprint.target.provider
                let kept = original == forced ? (spec.region ?? blueprint.target.region) : ProviderDefaults.region(for: forced)
                region = options.region ?? kept
            } else {
                provider = spec.provider ?? blueprint.target.provider
                region = spec.region ?? blueprint.target.region
            }
            return ExportResource(
                name: flatName, type: spec.type, provider: provider, region: region,
                properties: inputs.mapValues { Expr.parse($0, variables: variables) },
                dependsOn: spec.dependsOn.map { ResourceAddress.flatName(of: $0.value) },
                tags: baseTags.merging(spec.tags) { _, resourceTag in resourceTag },
                location: spec.location)
        }
        index = Dictionary(resources.enumerated().map { ($1.name, $0) }) { first, _ in first }
        outputs = blueprint.outputs.map { output in
            (output.name, Expr.parse(output.node.value, variables: variables))
        }
    }
}

/// Where a resource lands when `--provider` moves it to a provider the blueprint did not name.
public enum ProviderDefaults {
    public static func region(for provider: ProviderName) -> String {
        switch provider {
        case .aws: return "eu-west-1"
        case .azure: return "westeurope"
        case .gcp: return "europe-west1"
        case .digitalocean: return "ams3"
        case .alibaba: return "eu-central-1"
        case .ibm: return "eu-de"
        case .oracle: return "eu-frankfurt-1"
        case .snowflake: return "aws-eu-central-1"
        case .databricks: return "eu-west-1"
        case .local, .vsphere, .openstack, .proxmox, .kubernetes: return "default"
        }
    }
}

extension ExportStack {
    /// A load balancer that lists no subnets sits in its VM targets' subnets, and an HTTPS
    /// listener naming no certificate presents the blueprint's only one: what validate
    /// accepted, written out so every format generates it.
    static func place(balancer: ResourceSpec, in blueprint: Blueprint, inputs: inout [String: Value]) {
        let placement = LoadBalancerPlacement(of: balancer, in: blueprint)
        if inputs["subnets"] == nil, !placement.subnets.isEmpty {
            inputs["subnets"] = .list(
                placement.subnets.map { subnet in
                    switch subnet {
                    case .resource(let name): return .string("${\(name).id}")
                    case .literal(let id): return .string(id)
                    }
                })
        }
        if inputs["certificate"] == nil, inputs["protocol"]?.stringValue ?? "https" == "https", let certificate = placement.impliedCertificate {
            inputs["certificate"] = .string("${\(certificate).arn}")
        }
    }

    /// The VMs among a load balancer's targets, which every format registers by instance id.
    func machineTargets(of balancer: ExportResource) -> [String] {
        balancer.list("targets").compactMap { target in
            guard case .output(let name, _, _) = target, resource(named: name)?.type == "compute.vm" else { return nil }
            return name
        }
    }
}
