import DharmaCore

/// A service on App Platform and an alert of DigitalOcean Monitoring.
extension DigitalOceanTerraform {
    /// App Platform runs a container image from Docker Hub, GHCR or DigitalOcean's registry.
    func app(_ r: ExportResource, in c: TerraformContext) throws(ExportError) -> HCLBlock {
        guard let image = r.string("image") else {
            throw ExportError("resource `\(r.name)`: App Platform runs a container image; give the service an `image`", at: r.location)
        }
        var service: [HCLBlock.Item] = [
            .attr("name", r.name), .attribute("instance_count", try c.property(r, "replicas", .int(1)) ?? .int(1)),
            .attr("instance_size_slug", Self.appInstanceSize(cpu: r.number("cpu") ?? 1)), .attr("http_port", r.int("port") ?? 8080),
            .nested("image", Self.imageSpec(image)),
        ]
        if let command = r.string("command") { service.append(.attr("run_command", command)) }
        for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
            service.append(.nested("env", [.attr("key", key), .attr("value", try c.hcl(value)), .attr("scope", "RUN_TIME")]))
        }
        if let path = r.string("healthPath") { service.append(.nested("health_check", [.attr("http_path", path)])) }
        return resource(
            "digitalocean_app", r.name,
            [.nested("spec", [.attr("name", r.cloudName(c.stack.name, limit: 32)), .attr("region", Self.appRegion(r.region)), .nested("service", service)])])
    }

    /// App Platform names regions without the datacenter number: `nyc3` is `nyc`.
    static func appRegion(_ region: String) -> String {
        String(region.prefix { !$0.isNumber })
    }

    static func appInstanceSize(cpu: Double) -> String {
        cpu <= 1 ? "apps-s-1vcpu-1gb" : cpu <= 2 ? "apps-d-2vcpu-4gb" : "apps-d-4vcpu-8gb"
    }

    /// `nginx:1.27`, `acme/web:2`, `ghcr.io/acme/web:2` or `registry.digitalocean.com/acme/web:2`.
    static func imageSpec(_ image: String) -> [HCLBlock.Item] {
        var reference = image
        var tag = "latest"
        if let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") {
            tag = String(reference[reference.index(after: colon)...])
            reference = String(reference[..<colon])
        }
        var parts = reference.split(separator: "/").map(String.init)
        var registryType = "DOCKER_HUB"
        if parts.count > 2, parts[0] == "ghcr.io" || parts[0] == "registry.digitalocean.com" {
            registryType = parts[0] == "ghcr.io" ? "GHCR" : "DOCR"
            parts.removeFirst()
        }
        let repository = parts.last ?? reference
        var items: [HCLBlock.Item] = [.attr("registry_type", registryType), .attr("repository", repository), .attr("tag", tag)]
        let registry = parts.count > 1 ? parts.dropLast().joined(separator: "/") : (registryType == "DOCKER_HUB" ? "library" : nil)
        if let registry, registryType != "DOCR" { items.insert(.attr("registry", registry), at: 1) }
        return items
    }

    /// DigitalOcean Monitoring alerts on droplet metrics, over windows of 5m, 10m, 30m or 1h.
    func monitorAlert(_ r: ExportResource, in c: TerraformContext) throws(ExportError) -> HCLBlock {
        let metric = r.string("metric") ?? "cpu"
        guard let type = Self.alertTypes[metric] else {
            throw ExportError(
                "resource `\(r.name)`: DigitalOcean Monitoring has no metric `\(metric)`; it alerts on "
                    + Self.alertTypes.keys.sorted().joined(separator: ", "), at: r.location)
        }
        let seconds = r.seconds("for") ?? 300
        let window = [(300, "5m"), (600, "10m"), (1800, "30m")].first { seconds <= $0.0 }?.1 ?? "1h"
        let comparison = ["<": "LessThan", "<=": "LessThan"][r.string("condition") ?? ">"] ?? "GreaterThan"
        var items: [HCLBlock.Item] = [
            .attr("type", type), .attr("compare", comparison), .attr("value", .number(r.number("threshold") ?? 0)), .attr("window", window),
            .attr("enabled", true), .attr("description", "\(c.stack.name) \(r.name): \(metric) \(r.string("condition") ?? ">") \(r.number("threshold") ?? 0)"),
        ]
        if let watched = r.expr("resource") { items.append(.attr("entities", .list([try c.hcl(watched)]))) }
        let emails = r.list("notify").compactMap { $0.resolved?.stringValue }.filter { $0.contains("@") }
        items.append(.nested("alerts", [.attr("email", .strings(emails))]))
        return resource("digitalocean_monitor_alert", r.name, items)
    }

    static let alertTypes: [String: String] = [
        "cpu": "v1/insights/droplet/cpu", "memory": "v1/insights/droplet/memory_utilization_percent",
        "disk": "v1/insights/droplet/disk_utilization_percent", "load": "v1/insights/droplet/load_5",
        "bandwidthIn": "v1/insights/droplet/public_inbound_bandwidth", "bandwidthOut": "v1/insights/droplet/public_outbound_bandwidth",
    ]
}
