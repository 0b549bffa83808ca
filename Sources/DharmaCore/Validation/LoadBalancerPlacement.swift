/// Where a load balancer sits and what its HTTPS listener presents, as far as the blueprint
/// says: the subnets it lists, or else those its VM targets run in; the certificate it names,
/// or else the blueprint's only `security.certificate`. Validate checks these against what
/// AWS requires of an application load balancer, naming the property to add; export writes
/// the derived values into the code, so the two agree.
public struct LoadBalancerPlacement: Sendable {
    public enum Subnet: Sendable, Hashable {
        /// A `network.subnet` of the blueprint, by name.
        case resource(String)
        /// A subnet that exists outside the blueprint, by id.
        case literal(String)
    }

    public var subnets: [Subnet]
    /// Whether the subnets were listed in `subnets` rather than found from the targets.
    public var subnetsDeclared: Bool
    /// The `security.certificate` an HTTPS listener uses when it names none.
    public var impliedCertificate: String?
    public var declaresCertificate: Bool
    /// How many `security.certificate` resources the blueprint has.
    public var certificatesInBlueprint: Int

    public init(of balancer: ResourceSpec, in blueprint: Blueprint) {
        let declared = Self.strings(balancer.property("subnets")?.node.value)
        subnetsDeclared = balancer.property("subnets") != nil
        if subnetsDeclared {
            subnets = declared.map(Self.subnet)
        } else {
            var found: [Subnet] = []
            for target in Self.strings(balancer.property("targets")?.node.value) {
                guard let name = Self.referencedResource(target), let vm = blueprint.resource(named: name), vm.type == "compute.vm",
                    let subnet = vm.property("subnet")?.node.value.stringValue
                else { continue }
                let placed = Self.subnet(subnet)
                if !found.contains(placed) { found.append(placed) }
            }
            subnets = found
        }
        declaresCertificate = balancer.property("certificate") != nil
        let certificates = blueprint.resources.filter { $0.type == "security.certificate" }
        certificatesInBlueprint = certificates.count
        impliedCertificate = declaresCertificate || certificates.count != 1 ? nil : certificates.first?.name
    }

    /// The names of the blueprint's subnets it sits in.
    public var subnetResources: [String] {
        subnets.compactMap { if case .resource(let name) = $0 { return name } else { return nil } }
    }

    /// `${net.id}` → `net`; nil for a literal or any other expression.
    static func referencedResource(_ text: String) -> String? {
        guard Template.containsExpression(text), let template = try? Template.parse(text) else { return nil }
        return template.soleReference?.resourceName
    }

    static func subnet(_ text: String) -> Subnet {
        referencedResource(text).map(Subnet.resource) ?? .literal(text)
    }

    static func strings(_ value: Value?) -> [String] {
        value?.listValue?.compactMap(\.stringValue) ?? []
    }
}

extension LoadBalancerPlacement {
    /// What an application load balancer on AWS lacks, each with the property to add.
    public struct Problem: Sendable {
        public var message: String
        public var hint: String
        /// Where to point: the load balancer, or the subnet that needs a `zone`.
        public var resource: String
        public var property: String?
    }

    /// AWS refuses an application load balancer (HTTP or HTTPS) with fewer than two subnets or
    /// with subnets in one zone, and an HTTPS listener without a certificate.
    public func awsProblems(of balancer: ResourceSpec, in blueprint: Blueprint) -> [Problem] {
        let protocolName = balancer.property("protocol")?.node.value.stringValue ?? "https"
        guard protocolName == "http" || protocolName == "https" else { return [] }
        var problems: [Problem] = []
        let example = "subnets: [\"${subnet-a.id}\", \"${subnet-b.id}\"], each a network.subnet with a `zone` of its own"
        if subnets.count < 2 {
            let found =
                subnetsDeclared
                ? "it lists \(subnets.count)"
                : subnets.isEmpty ? "it lists none and its targets name none" : "its targets all run in `\(subnetResources.first ?? "one subnet")`"
            problems.append(
                Problem(
                    message: "an application load balancer on aws needs subnets in at least two zones; \(found)",
                    hint: "add \(example)", resource: balancer.name, property: "subnets"))
        } else {
            var zones: [String: String] = [:]
            for name in subnetResources {
                guard let subnet = blueprint.resource(named: name) else { continue }
                if let zone = subnet.property("zone")?.node.value.stringValue {
                    zones[name] = zone
                } else {
                    problems.append(
                        Problem(
                            message: "subnet `\(name)` carries load balancer `\(balancer.name)`, which needs its subnets in different zones, and has no `zone`",
                            hint: "add `zone`, e.g. zone: \(blueprint.target.region)a", resource: name, property: nil))
                }
            }
            if zones.count == subnetResources.count, zones.count == subnets.count, Set(zones.values).count < 2 {
                problems.append(
                    Problem(
                        message:
                            "an application load balancer on aws needs subnets in at least two zones; all of `\(balancer.name)`'s are in \(zones.values.first ?? "one zone")",
                        hint: "put one of its subnets in another zone", resource: balancer.name, property: "subnets"))
            }
        }
        if protocolName == "https", !declaresCertificate, impliedCertificate == nil {
            let reason =
                certificatesInBlueprint == 0
                ? "and the blueprint has no security.certificate" : "and the blueprint has \(certificatesInBlueprint) security.certificate resources"
            problems.append(
                Problem(
                    message: "an HTTPS listener on aws needs a certificate; `\(balancer.name)` names none \(reason)",
                    hint: "add certificate: ${cert.arn}, with a security.certificate `cert` whose `domains` the load balancer serves",
                    resource: balancer.name, property: "certificate"))
        }
        return problems
    }
}
