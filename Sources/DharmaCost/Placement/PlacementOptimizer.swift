import DharmaCore

/// For each resource, the cheapest and the greenest place to run it — provider, region,
/// instance type, purchase option — within the blueprint's constraints, priced by the same
/// estimator as `dharma cost`.
///
/// Resources that refer to each other (a service, its database, their network) move
/// together: splitting them across regions would add latency and egress the estimate does
/// not show. A group stays in its region when a member pins an availability zone, and on
/// its provider when a member names a provider-specific instance type.
public struct PlacementOptimizer: Sendable {
    public var catalog: PriceCatalog
    public var constraints: PlacementConstraints

    public init(catalog: PriceCatalog, constraints: PlacementConstraints) {
        self.catalog = catalog
        self.constraints = constraints
    }

    public struct Option: Sendable {
        public var provider: ProviderName
        public var region: String
        public var purchase: PurchaseOption?
        public var cost: ResourceCost

        public var label: String {
            "\(provider.rawValue) \(region)" + (cost.choice.map { " \($0)" } ?? "")
        }
    }

    /// Reserved baseline plus spot for the rest, for compute bought per instance.
    public struct PurchaseMix: Sendable {
        public var instance: String
        public var reserved: Int
        public var onDemand: Int
        public var spot: Int
        public var monthly: Double
        public var onDemandMonthly: Double
        public var risk: String
    }

    public struct Advice: Sendable {
        public var resource: String
        public var type: String
        public var asWritten: ResourceCost
        public var cheapest: Option
        public var greenest: Option
        public var considered: Int
        public var mix: PurchaseMix?
        public var notes: [String]
    }

    struct Location: Hashable {
        var provider: ProviderName
        var region: String
    }

    public func advise(_ resources: [PricedResource]) -> [Advice] {
        let estimator = CostEstimator(catalog: catalog)
        let used = Set(resources.map(\.provider))
        var advice: [Advice] = []
        for group in Self.groups(resources) {
            let written = group.map { estimator.estimate($0) }
            guard written.contains(where: { ($0.monthly ?? 0) > 0 }) else { continue }
            var notes: [String] = []
            if group.count > 1 { notes.append("moves with " + group.map(\.name).joined(separator: ", ")) }
            let locations = candidates(for: group, usedProviders: used, notes: &notes)
            // Per location, each member at its cheapest purchase option (and greenest).
            var priced: [(Location, [Option])] = []
            for location in locations {
                var members: [Option] = []
                for resource in group {
                    var best: Option?
                    for purchase in purchaseOptions(for: resource) {
                        var moved = resource
                        moved.provider = location.provider
                        moved.region = location.region
                        moved.purchase = purchase
                        let cost = estimator.estimate(moved)
                        guard cost.problem == nil else { continue }
                        let option = Option(provider: location.provider, region: location.region, purchase: purchase, cost: cost)
                        if best == nil || (cost.monthly ?? .infinity) < (best?.cost.monthly ?? .infinity) { best = option }
                    }
                    guard let best else { members = []; break }
                    members.append(best)
                }
                if members.count == group.count { priced.append((location, members)) }
            }
            let asWritten = group.indices.map { Option(provider: group[$0].provider, region: group[$0].region, purchase: nil, cost: written[$0]) }
            func total(_ options: [Option], _ value: (ResourceCost) -> Double?) -> Double { options.compactMap { value($0.cost) }.reduce(0, +) }
            let writtenMonthly = total(asWritten, \.monthly)
            let writtenCarbon = total(asWritten, \.carbonKg)
            // The blueprint's own placement wins ties: moving must save something.
            let cheapest =
                priced.filter { total($0.1, \.monthly) < writtenMonthly - 0.005 }
                .min { (total($0.1, \.monthly), total($0.1, \.carbonKg)) < (total($1.1, \.monthly), total($1.1, \.carbonKg)) }?.1 ?? asWritten
            let greenest =
                priced.filter { total($0.1, \.carbonKg) < writtenCarbon - 0.005 }
                .min { (total($0.1, \.carbonKg), total($0.1, \.monthly)) < (total($1.1, \.carbonKg), total($1.1, \.monthly)) }?.1 ?? asWritten
            var groupNotes = notes
            for index in group.indices where (written[index].monthly ?? 0) > 0 {
                // The group's notes are said once, on its first priced member.
                advice.append(
                    Advice(
                        resource: group[index].name, type: group[index].type, asWritten: written[index],
                        cheapest: cheapest[index], greenest: greenest[index], considered: priced.count,
                        mix: mix(for: group[index], at: cheapest[index]), notes: groupNotes))
                groupNotes = []
            }
        }
        return advice
    }

    /// Connected components of the reference graph, in blueprint order.
    static func groups(_ resources: [PricedResource]) -> [[PricedResource]] {
        var parent = Dictionary(uniqueKeysWithValues: resources.map { ($0.name, $0.name) })
        func root(_ name: String) -> String {
            var current = name
            while let next = parent[current], next != current { current = next }
            return current
        }
        for resource in resources {
            for dependency in resource.dependencies where parent[dependency] != nil {
                let (a, b) = (root(resource.name), root(dependency))
                if a != b { parent[a] = b }
            }
        }
        var order: [String] = []
        var members: [String: [PricedResource]] = [:]
        for resource in resources {
            let key = root(resource.name)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(resource)
        }
        return order.compactMap { members[$0] }
    }

    /// Places the whole group may go.
    func candidates(for group: [PricedResource], usedProviders: Set<ProviderName>, notes: inout [String]) -> [Location] {
        let first = group[0]
        let homes = Set(group.map { Location(provider: $0.provider, region: $0.region) })
        if homes.count > 1 {
            notes.append(
                "its members are already spread over " + homes.map { "\($0.provider.rawValue) \($0.region)" }.sorted().joined(separator: ", ")
                    + "; left in place")
            return []
        }
        let sized = group.filter { $0.inputs["size"] != nil || $0.inputs["nodeSize"] != nil }.map(\.name)
        let zoned = group.filter { $0.inputs["zone"]?.stringValue != nil }.map(\.name)
        if !sized.isEmpty {
            notes.append(
                "\(sized.joined(separator: ", ")) name\(sized.count == 1 ? "s" : "") a \(first.provider.rawValue) instance type, so it stays on \(first.provider.rawValue)"
            )
        }
        if !zoned.isEmpty {
            notes.append(
                "\(zoned.joined(separator: ", ")) pin\(zoned.count == 1 ? "s" : "") an availability zone, so it stays in \(first.region); remove `zone` to let it move"
            )
        }
        var providers = sized.isEmpty ? Array(constraints.providers ?? usedProviders) : [first.provider]
        providers = providers.filter { provider in
            group.allSatisfy { ResourceCatalog.type(named: $0.type)?.providers.contains(provider) ?? false }
        }
        let home = catalog.prices(for: first.provider)?.regions[first.region]?.geography
        var result: [Location] = []
        for provider in providers.sorted() {
            guard let prices = catalog.prices(for: provider) else { continue }
            for (region, info) in prices.regions.sorted(by: { $0.key < $1.key }) {
                if !zoned.isEmpty && (provider != first.provider || region != first.region) { continue }
                if let residency = constraints.residency, info.geography != residency { continue }
                if let allowed = constraints.regions, !allowed.contains(region) { continue }
                switch constraints.latency {
                case .sameRegion: if provider != first.provider || region != first.region { continue }
                case .regional: if let home, info.geography != home { continue }
                case .global: break
                }
                result.append(Location(provider: provider, region: region))
            }
        }
        return result
    }

    /// Compute bought per instance may be reserved; spot is offered in the mix, with its risk.
    func purchaseOptions(for resource: PricedResource) -> [PurchaseOption?] {
        switch resource.type {
        case "compute.vm", "compute.cluster": return [.onDemand, .reserved1y]
        default: return [nil]
        }
    }

    func mix(for resource: PricedResource, at option: Option) -> PurchaseMix? {
        let count: Int
        switch resource.type {
        case "compute.vm": count = 1
        case "compute.cluster": count = resource.inputs["nodes"]?.intValue ?? 3
        default: return nil
        }
        let chosen = option.cost.choice?.split(separator: " ").map(String.init) ?? []
        guard let instance = catalog.prices(for: option.provider)?.instances.first(where: { chosen.contains($0.name) }),
            let price = instance.prices[option.region]
        else { return nil }
        let hours = resource.usage?.hoursPerMonth ?? catalog.hoursPerMonth
        // A steady baseline (half, at least one) is reserved; the rest may run on spot when
        // the provider has it and there are several instances to absorb an interruption.
        let reserved = price.reserved1y == nil ? 0 : max(1, (count + 1) / 2)
        let spot = count > 1 && price.spot != nil ? count - max(reserved, 1) : 0
        let onDemand = count - reserved - spot
        let monthly =
            (Double(reserved) * (price.reserved1y ?? price.onDemand) + Double(spot) * (price.spot ?? price.onDemand)
                + Double(onDemand) * price.onDemand) * hours
        let notice = option.provider == .aws ? "2 minutes" : "30 seconds"
        let risk =
            spot > 0
            ? "spot capacity can be reclaimed at any time with \(notice)' notice; the reserved \(reserved) must carry the load meanwhile"
            : reserved > 0
                ? "no interruption risk; the reservation is a 1-year commitment"
                : "on-demand only; \(option.provider.rawValue) has no reservation in the catalog"
        return PurchaseMix(
            instance: instance.name, reserved: reserved, onDemand: onDemand, spot: spot, monthly: monthly,
            onDemandMonthly: Double(count) * price.onDemand * hours, risk: risk)
    }
}
