import DharmaCore

/// Prices resources from the catalog. Every number comes from the catalog or the blueprint; a
/// price the catalog does not have is reported as unknown, with the reason, never guessed.
public struct CostEstimator: Sendable {
    public var catalog: PriceCatalog

    public init(catalog: PriceCatalog) { self.catalog = catalog }

    var hours: Double { catalog.hoursPerMonth }

    public func estimate(_ resources: [PricedResource]) -> CostEstimate {
        let costs = resources.map(estimate)
        var notes: [String] = []
        for note in costs.compactMap(\.regionNote) where !notes.contains(note) { notes.append(note) }
        return CostEstimate(currency: catalog.currency, resources: costs, notes: notes)
    }

    public func estimate(_ r: PricedResource) -> ResourceCost {
        var cost = ResourceCost(name: r.name, type: r.type, provider: r.provider, region: r.region)
        switch r.provider {
        case .local:
            cost.monthly = 0
            cost.assumptions.append("runs on this machine: no bill")
            cost.carbonUnknownReason = "the local machine's power draw is not modelled"
            return cost
        case .vsphere, .openstack, .proxmox:
            return unknown(cost, "self-hosted on \(r.provider.rawValue): there is no list price; your hardware's cost applies")
        case .kubernetes:
            return unknown(cost, "runs on a Kubernetes cluster whose nodes are priced where the cluster is")
        case .snowflake, .databricks:
            return unknown(cost, "\(r.provider.rawValue) bills in credits per use; the catalog has no credit prices")
        default:
            break
        }
        guard let prices = catalog.prices(for: r.provider) else {
            return unknown(cost, "the catalog has no prices for \(r.provider.rawValue)")
        }
        guard let region = prices.regions[r.region] else {
            // A real region the catalog does not price is an unknown price, said as such; only
            // a name that is no region of the provider is a mistake to fix.
            if RegionCatalog.region(r.region, of: r.provider) != nil {
                return unknown(
                    cost,
                    "\(r.provider.rawValue) region `\(r.region)` has no prices in the catalog, which prices "
                        + prices.regions.keys.sorted().joined(separator: ", "))
            }
            cost.problem = CostError(
                "resource `\(r.name)`: region `\(r.region)` of \(r.provider.rawValue) is not in the price catalog"
                    + (Suggestion.hint(for: r.region, in: prices.regions.keys).map { "; \($0)" } ?? "")
                    + "; it has " + prices.regions.keys.sorted().joined(separator: ", "))
            return unknown(cost, "region `\(r.region)` is not in the price catalog")
        }
        if region.derived {
            cost.regionNote =
                "\(r.provider.rawValue) \(r.region): instance, storage and database prices are the \(prices.referenceRegion) list prices "
                + "× \(region.priceRatio), the regional ratio on the same page; load balancer, request and egress prices are \(prices.referenceRegion)'s"
        }
        var pricing = Pricing(estimator: self, resource: r, prices: prices, region: region, cost: cost)
        pricing.price()
        return pricing.cost
    }

    func unknown(_ cost: ResourceCost, _ reason: String) -> ResourceCost {
        var cost = cost
        cost.monthly = nil
        cost.unknownReason = reason
        cost.carbonUnknownReason = reason
        return cost
    }
}

/// Working state while one resource is priced.
struct Pricing {
    var estimator: CostEstimator
    var resource: PricedResource
    var prices: PriceCatalog.ProviderPrices
    var region: PriceCatalog.Region
    var cost: ResourceCost
    var load = CarbonModel.Load()

    var hours: Double { resource.usage?.hoursPerMonth ?? estimator.hours }
    var catalog: PriceCatalog { estimator.catalog }

    func input(_ name: String) -> Value? { resource.inputs[name] }
    func number(_ name: String) -> Double? { input(name)?.doubleValue }
    func gibibytes(_ name: String) -> Double? { input(name).flatMap(Units.bytes).map { Double($0) / Double(1 << 30) } }

    mutating func add(_ description: String, _ monthly: Double, source: String) {
        cost.lines.append(LineItem(description, monthly: monthly, source: catalog.sourceDescription(source)))
        cost.monthly = (cost.monthly ?? 0) + monthly
    }

    mutating func markUnknown(_ reason: String) {
        cost.monthly = nil
        cost.unknownReason = reason
    }

    mutating func price() {
        cost.monthly = 0
        if hours != estimator.hours { cost.assumptions.append("running \(format(hours)) h/month (usage)") }
        switch resource.type {
        case "compute.vm": priceVirtualMachine()
        case "compute.service": priceService()
        case "compute.cluster": priceCluster()
        case "compute.function": priceFunction()
        case "storage.volume": priceVolume()
        case "storage.bucket": priceBucket()
        case "database.postgres": priceDatabase(engine: "postgres")
        case "database.mysql": priceDatabase(engine: "mysql")
        case "cache.redis": priceCache()
        case "network.loadbalancer":
            add("load balancer, \(format(hours)) h × $\(prices.loadBalancerHour)/h", prices.loadBalancerHour * hours, source: prices.loadBalancerSource)
            cost.assumptions.append("capacity units / processed data are not included")
            priceEgress()
        case "queue.queue", "queue.topic": priceMessaging()
        case "database.nosql": priceTable()
        case "security.secret": priceFlat("secretMonth", "secret")
        case "security.certificate": priceFlat("certificateMonth", "certificate")
        case "monitoring.alert": priceFlat("alertMonth", "alert")
        case "network.dns": priceFlat("dnsZoneMonth", "hosted zone")
        case "network.vpc", "network.subnet", "network.firewall", "security.identity":
            cost.assumptions.append("no charge for \(resource.type) on \(resource.provider.rawValue)")
            if resource.type == "network.vpc", input("flowLogs")?.boolValue ?? true {
                cost.assumptions.append("flow-log delivery is billed by volume and not included")
            }
        default:
            markUnknown("\(resource.type) is priced by use and the catalog has no price for it on \(resource.provider.rawValue)")
        }
        estimateCarbon()
    }

    // MARK: compute

    /// The cheapest instance type with at least `cpu` vCPUs and `memory` GiB, or the named one.
    mutating func instance(named size: String?, cpu: Double, memory: Double) -> PriceCatalog.Instance? {
        if let size {
            guard let found = prices.instances.first(where: { $0.name == size }) else {
                cost.problem = CostError(
                    "resource `\(resource.name)`: instance type `\(size)` is not in the \(resource.provider.rawValue) price catalog"
                        + (Suggestion.hint(for: size, in: prices.instances.map(\.name)).map { "; \($0)" } ?? "")
                        + "; sizes with ≥ \(format(cpu)) vCPU: " + prices.instances.filter { $0.vcpus >= cpu }.prefix(5).map(\.name).joined(separator: ", "))
                return nil
            }
            return found
        }
        // Only x86-64 types: an image built for x86 does not boot on Arm. Name an Arm `size` to use one.
        let fitting = prices.instances.filter { $0.arch == "x86_64" && $0.vcpus >= cpu && $0.memoryGiB >= memory && $0.prices[resource.region] != nil }
        return fitting.min { ($0.prices[resource.region]?.onDemand ?? .infinity) < ($1.prices[resource.region]?.onDemand ?? .infinity) }
    }

    mutating func priceInstance(_ instance: PriceCatalog.Instance, count: Double, spot: Bool, what: String) {
        guard let price = instance.prices[resource.region] else {
            markUnknown("\(instance.name) has no price in \(resource.region)")
            return
        }
        var hourly = price.onDemand
        var option = "on-demand"
        var source = instance.source
        let wanted = resource.purchase ?? (spot ? .spot : .onDemand)
        switch wanted {
        case .spot:
            if let spotPrice = price.spot {
                hourly = spotPrice
                option = "spot"
                source = instance.spotSource ?? source
                cost.assumptions.append("spot price is the typical discount; it varies hourly and capacity can be reclaimed")
            } else {
                cost.assumptions.append("\(resource.provider.rawValue) has no spot option; priced on-demand")
            }
        case .reserved1y:
            if let reserved = price.reserved1y {
                hourly = reserved
                option = "reserved 1y"
                source = instance.reservedSource ?? source
                cost.assumptions.append("reserved price needs a 1-year commitment, paid whether used or not")
            } else {
                cost.assumptions.append("\(resource.provider.rawValue) has no 1-year reservation; priced on-demand")
            }
        case .onDemand:
            break
        }
        cost.choice = "\(instance.name) \(option)"
        add(
            "\(format(count)) × \(instance.name) \(option) (\(format(instance.vcpus)) vCPU, \(format(instance.memoryGiB)) GiB), \(format(hours)) h × $\(format(hourly))/h",
            hourly * hours * count, source: source)
        load.vcpuHours += instance.vcpus * hours * count
        load.memoryGBHours += instance.memoryGiB * hours * count
    }

    mutating func priceVirtualMachine() {
        let cpu = number("cpu") ?? 2
        let memory = gibibytes("memory") ?? 4
        if input("size") == nil {
            cost.assumptions.append("instance chosen as the cheapest x86-64 type with ≥ \(format(cpu)) vCPU and ≥ \(format(memory)) GiB")
        }
        guard let instance = instance(named: input("size")?.stringValue, cpu: cpu, memory: memory) else {
            markUnknown(cost.problem?.message ?? "no instance type in the catalog has \(format(cpu)) vCPU and \(format(memory)) GiB")
            return
        }
        priceInstance(instance, count: 1, spot: input("spot")?.boolValue ?? false, what: "VM")
        let disk = gibibytes("disk") ?? 20
        if let perGB = prices.storage.block["ssd"] {
            add("root disk \(format(disk)) GB SSD × $\(format(perGB))/GB-month", disk * perGB * region.priceRatio, source: prices.storage.blockSource)
            load.ssdTBHours += disk / 1024 * hours
        }
        priceEgress()
    }

    mutating func priceService() {
        let replicas = Double(input("replicas")?.intValue ?? 1)
        let cpu = number("cpu") ?? 0.25
        let memory = gibibytes("memory") ?? 0.5
        if let vcpuHour = prices.services["containerVcpuHour"], let gbHour = prices.services["containerGbHour"] {
            let ratio = region.priceRatio
            add(
                "\(format(replicas)) × \(format(cpu)) vCPU containers, \(format(hours)) h × $\(format(vcpuHour.price * ratio))/vCPU-h",
                replicas * cpu * vcpuHour.price * ratio * hours, source: vcpuHour.source)
            add(
                "\(format(replicas)) × \(format(memory)) GiB, \(format(hours)) h × $\(format(gbHour.price * ratio))/GB-h",
                replicas * memory * gbHour.price * ratio * hours, source: gbHour.source)
            cost.choice = resource.provider == .aws ? "Fargate" : resource.provider == .azure ? "Container Apps" : "Cloud Run (always on)"
            if input("cpu") == nil || input("memory") == nil { cost.assumptions.append("container size defaults to 0.25 vCPU / 0.5 GiB where not given") }
            load.vcpuHours += replicas * cpu * hours
            load.memoryGBHours += replicas * memory * hours
        } else if let instance = instance(named: nil, cpu: cpu, memory: memory) {
            cost.assumptions.append("\(resource.provider.rawValue) has no per-container price in the catalog: one VM per replica")
            priceInstance(instance, count: replicas, spot: false, what: "replica")
        } else {
            markUnknown("no container or instance price fits \(format(cpu)) vCPU / \(format(memory)) GiB")
        }
        priceEgress()
    }

    mutating func priceCluster() {
        let nodes = Double(input("nodes")?.intValue ?? 3)
        if let controlPlane = prices.services["clusterHour"] {
            add("control plane, \(format(hours)) h × $\(format(controlPlane.price))/h", controlPlane.price * hours, source: controlPlane.source)
        } else {
            cost.assumptions.append("the control plane price of \(resource.provider.rawValue) is not in the catalog")
        }
        guard let instance = instance(named: input("nodeSize")?.stringValue, cpu: 2, memory: 8) else {
            markUnknown(cost.problem?.message ?? "no node instance type fits")
            return
        }
        if input("nodeSize") == nil { cost.assumptions.append("nodes priced as the cheapest x86-64 type with ≥ 2 vCPU and 8 GiB") }
        priceInstance(instance, count: nodes, spot: false, what: "node")
        cost.choice = "\(format(nodes)) × \(instance.name)"
    }

    mutating func priceFunction() {
        guard let gbSecond = prices.services["functionGbSecond"], let perMillion = prices.services["functionMillionRequests"] else {
            markUnknown("function prices for \(resource.provider.rawValue) are not in the catalog")
            return
        }
        let requests = usage(\.requestsPerMonth, default: 1_000_000, "requests/month")
        let duration = usage(\.durationSeconds, default: 0.2, "seconds per call")
        let memory = gibibytes("memory") ?? 0.25
        add("\(format(requests)) requests × $\(perMillion.price)/M", requests / 1_000_000 * perMillion.price, source: perMillion.source)
        add("\(format(requests * duration * memory)) GB-s × $\(gbSecond.price)", requests * duration * memory * gbSecond.price, source: gbSecond.source)
        cost.carbonUnknownReason = "serverless energy is not modelled per call"
    }

    // MARK: storage and data

    mutating func priceVolume() {
        let size = gibibytes("size") ?? 20
        let performance = input("class")?.stringValue ?? "ssd"
        guard let perGB = prices.storage.block[performance] else { return markUnknown("no \(performance) block storage price") }
        add(
            "\(format(size)) GB \(performance) × $\(format(perGB * region.priceRatio))/GB-month", size * perGB * region.priceRatio,
            source: prices.storage.blockSource)
        if performance == "ssd" || performance == "provisioned-iops" { load.ssdTBHours += size / 1024 * hours } else { load.hddTBHours += size / 1024 * hours }
    }

    mutating func priceBucket() {
        let stored = usage(\.storageGB, default: 100, "GB stored")
        let perGB = prices.storage.object * region.priceRatio
        add("\(format(stored)) GB stored × $\(format(perGB))/GB-month", stored * perGB, source: prices.storage.objectSource)
        load.ssdTBHours += stored / 1024 * hours
        priceEgress()
    }

    mutating func priceDatabase(engine: String) {
        guard let databases = prices.databases, let sizes = databases.engines[engine] else {
            return markUnknown("managed \(engine) prices for \(resource.provider.rawValue) are not in the catalog")
        }
        let cpu = number("cpu") ?? 2
        let memory = gibibytes("memory") ?? 4
        let chosen: PriceCatalog.DatabaseSize?
        if let size = input("size")?.stringValue {
            chosen = sizes.first { $0.name == size }
            if chosen == nil {
                cost.problem = CostError(
                    "resource `\(resource.name)`: \(engine) size `\(size)` is not in the \(resource.provider.rawValue) catalog"
                        + (Suggestion.hint(for: size, in: sizes.map(\.name)).map { "; \($0)" } ?? "") + "; sizes: " + sizes.map(\.name).joined(separator: ", "))
            }
        } else {
            chosen = sizes.filter { $0.vcpus >= cpu && $0.memoryGiB >= memory }.min { $0.hourly < $1.hourly }
            cost.assumptions.append("size chosen as the cheapest with ≥ \(format(cpu)) vCPU and ≥ \(format(memory)) GiB")
        }
        guard let size = chosen else { return markUnknown(cost.problem?.message ?? "no \(engine) size fits \(format(cpu)) vCPU / \(format(memory)) GiB") }
        let copies = (input("highAvailability")?.boolValue ?? false) ? 2.0 : 1.0
        let hourly = size.hourly * region.priceRatio
        cost.choice = size.name + (copies > 1 ? " (HA)" : "")
        add("\(format(copies)) × \(size.name), \(format(hours)) h × $\(format(hourly))/h", copies * hourly * hours, source: databases.source)
        let storage = gibibytes("storage") ?? 20
        if databases.storagePerGbMonth > 0 {
            add(
                "\(format(storage)) GB storage × \(format(copies)) × $\(format(databases.storagePerGbMonth))/GB-month",
                storage * copies * databases.storagePerGbMonth * region.priceRatio, source: databases.source)
        } else {
            cost.assumptions.append("storage is included in the size's price")
        }
        if copies > 1 { cost.assumptions.append("high availability doubles instance and storage (a standby in another zone)") }
        load.vcpuHours += size.vcpus * copies * hours
        load.memoryGBHours += size.memoryGiB * copies * hours
        load.ssdTBHours += storage * copies / 1024 * hours
    }

    mutating func priceCache() {
        guard let databases = prices.databases, let sizes = databases.engines["redis"] else {
            return markUnknown("managed Redis prices for \(resource.provider.rawValue) are not in the catalog")
        }
        let memory = gibibytes("memory") ?? 1
        guard
            let size = (input("size")?.stringValue).flatMap({ name in sizes.first { $0.name == name } })
                ?? sizes.filter({ $0.memoryGiB >= memory }).min(by: { $0.hourly < $1.hourly })
        else {
            return markUnknown("no Redis size has \(format(memory)) GiB")
        }
        let nodes = resource.provider == .aws ? Double((input("replicas")?.intValue ?? 1) + 1) : 1
        if resource.provider != .aws { cost.assumptions.append("the size's price includes its replica") }
        let hourly = size.hourly * region.priceRatio
        cost.choice = size.name
        add("\(format(nodes)) × \(size.name), \(format(hours)) h × $\(format(hourly))/h", nodes * hourly * hours, source: databases.cacheSource)
        load.vcpuHours += size.vcpus * nodes * hours
        load.memoryGBHours += size.memoryGiB * nodes * hours
    }

    mutating func priceMessaging() {
        if let namespace = prices.services["queueNamespaceHour"] {
            add("Service Bus Premium namespace share, \(format(hours)) h × $\(namespace.price)/h", namespace.price * hours, source: namespace.source)
            cost.assumptions.append("the stack's Service Bus namespace is counted once per queue or topic")
            return
        }
        let key = resource.type == "queue.queue" ? "queueMillionRequests" : "topicMillionRequests"
        guard let perMillion = prices.services[key] else { return markUnknown("messaging prices for \(resource.provider.rawValue) are not in the catalog") }
        let requests = usage(\.requestsPerMonth, default: 1_000_000, "messages/month")
        add("\(format(requests)) requests × $\(perMillion.price)/M", requests / 1_000_000 * perMillion.price, source: perMillion.source)
        cost.carbonUnknownReason = "messaging energy is not modelled per request"
    }

    mutating func priceTable() {
        guard let writes = prices.services["nosqlMillionWrites"], let reads = prices.services["nosqlMillionReads"],
            let stored = prices.services["nosqlGbMonth"]
        else {
            return markUnknown("table prices for \(resource.provider.rawValue) are not in the catalog")
        }
        let requests = usage(\.requestsPerMonth, default: 1_000_000, "reads and writes/month each")
        let gigabytes = usage(\.storageGB, default: 1, "GB stored")
        add("\(format(requests)) writes × $\(writes.price)/M", requests / 1_000_000 * writes.price, source: writes.source)
        add("\(format(requests)) reads × $\(reads.price)/M", requests / 1_000_000 * reads.price, source: reads.source)
        add("\(format(gigabytes)) GB × $\(stored.price)/GB-month", gigabytes * stored.price, source: stored.source)
        cost.carbonUnknownReason = "on-demand table energy is not modelled"
    }

    mutating func priceFlat(_ key: String, _ what: String) {
        guard let price = prices.services[key] else { return markUnknown("the catalog has no \(what) price for \(resource.provider.rawValue)") }
        add("\(what), per month", price.price, source: price.source)
    }

    mutating func priceEgress() {
        guard let egress = resource.usage?.egressGB, egress > 0 else {
            cost.assumptions.append("no internet egress assumed; set usage egressGB to price it")
            return
        }
        add("\(format(egress)) GB egress × $\(prices.egressPerGb)/GB", egress * prices.egressPerGb, source: prices.egressSource)
        load.networkGB += egress
    }

    /// A usage figure, saying so when the default is assumed.
    mutating func usage(_ field: KeyPath<Usage, Double?>, default fallback: Double, _ unit: String) -> Double {
        if let value = resource.usage?[keyPath: field] { return value }
        cost.assumptions.append("assumed \(format(fallback)) \(unit); set it in usage to change")
        return fallback
    }

    mutating func estimateCarbon() {
        if cost.carbonUnknownReason != nil && load.vcpuHours == 0 { return }
        load.utilisation = resource.usage?.utilisation
        guard let result = CarbonModel(catalog: catalog).emissions(load, provider: resource.provider, region: resource.region) else {
            cost.carbonUnknownReason = "no grid intensity for \(resource.region)"
            return
        }
        cost.energyKwh = result.kwh
        cost.carbonKg = result.kg
        cost.carbonUnknownReason = nil
        if let note = result.note { cost.assumptions.append(note) }
        if load.vcpuHours > 0, resource.usage?.utilisation == nil {
            cost.assumptions.append("carbon at \(Int(catalog.carbon.common.defaultUtilisation * 100)) % CPU utilisation (CCF default); set usage utilisation")
        }
    }
}

/// Numbers as people read them: thousands grouped, no trailing zeros, at most 4 decimals.
func format(_ value: Double) -> String {
    if value.rounded() == value && abs(value) < 1e12 {
        let digits = String(Int(abs(value)))
        var grouped = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + String(grouped.reversed())
    }
    var text = String(value)
    if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 6 {
        let scaled = (value * 10_000).rounded() / 10_000
        text = String(scaled)
    }
    return text
}
