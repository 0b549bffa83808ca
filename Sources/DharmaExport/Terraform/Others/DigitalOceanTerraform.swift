import DharmaCore

/// Dharma's types on `digitalocean/digitalocean` 2.x.
struct DigitalOceanTerraform: TerraformProvider {
    let provider = ProviderName.digitalocean
    let localName = "digitalocean"
    let source = "digitalocean/digitalocean"
    let versionConstraint = "~> 2.44"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    func outputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "network.vpc": return ["id": "digitalocean_vpc.\(n).id"]
        case "network.firewall": return ["id": "digitalocean_firewall.\(n).id"]
        case "network.loadbalancer":
            return ["id": "digitalocean_loadbalancer.\(n).id", "dnsName": "digitalocean_loadbalancer.\(n).ip", "url": "digitalocean_loadbalancer.\(n).ip"]
        case "network.dns": return ["id": "digitalocean_domain.\(n).id"]
        case "storage.bucket":
            return [
                "id": "digitalocean_spaces_bucket.\(n).id", "url": "digitalocean_spaces_bucket.\(n).bucket_domain_name",
                "name": "digitalocean_spaces_bucket.\(n).name",
            ]
        case "storage.volume": return ["id": "digitalocean_volume.\(n).id"]
        case "database.postgres", "database.mysql", "cache.redis":
            return [
                "id": "digitalocean_database_cluster.\(n).id", "endpoint": "digitalocean_database_cluster.\(n).private_host",
                "port": "digitalocean_database_cluster.\(n).port", "url": "digitalocean_database_cluster.\(n).private_uri",
            ]
        case "compute.vm":
            return [
                "id": "digitalocean_droplet.\(n).id", "privateIp": "digitalocean_droplet.\(n).ipv4_address_private",
                "publicIp": "digitalocean_droplet.\(n).ipv4_address",
            ]
        case "compute.cluster":
            return [
                "id": "digitalocean_kubernetes_cluster.\(n).id", "endpoint": "digitalocean_kubernetes_cluster.\(n).endpoint",
                "kubeconfig": "digitalocean_kubernetes_cluster.\(n).kube_config[0].raw_config",
            ]
        case "security.certificate":
            return [
                "id": "digitalocean_certificate.\(n).uuid", "arn": "digitalocean_certificate.\(n).uuid", "notAfter": "digitalocean_certificate.\(n).not_after",
            ]
        case "compute.service":
            return ["id": "digitalocean_app.\(n).id", "url": "digitalocean_app.\(n).live_url", "port": "\(r.int("port") ?? 8080)"]
        case "monitoring.alert": return ["id": "digitalocean_monitor_alert.\(n).uuid"]
        default: return [:]
        }
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let name = HCLBlock.Item.attr("name", r.cloudName(c.stack.name))
        let region = HCLBlock.Item.attr("region", r.region)
        let tags = HCLBlock.Item.attr(
            "tags", .strings(r.tags.sorted { $0.key < $1.key }.map { TerraformContext.label("\($0.key):\($0.value)").replacingOccurrences(of: ":", with: "_") })
        )
        switch r.type {
        case "network.vpc":
            return [resource("digitalocean_vpc", n, [name, region, .attr("ip_range", try c.hcl(r.expr("cidr") ?? .value(.null)))])]
        case "network.firewall":
            var items: [HCLBlock.Item] = [name]
            for rule in r.list("ingress") {
                let fields = rule.mapEntries ?? [:]
                let ports = AWSTerraform.portRange(fields)
                items.append(
                    .nested(
                        "inbound_rule",
                        [
                            .attr("protocol", fields["protocol"]?.resolved?.stringValue ?? "tcp"),
                            .attr("port_range", ports.0 == ports.1 ? String(ports.0) : "\(ports.0)-\(ports.1)"),
                            .attr("source_addresses", try c.hcl(fields["from"] ?? .list([]))),
                        ]))
            }
            return [resource("digitalocean_firewall", n, items)]
        case "network.loadbalancer":
            var forwarding: [HCLBlock.Item] = [
                .attr("entry_port", r.int("port") ?? 443), .attr("entry_protocol", r.string("protocol") ?? "https"),
                .attr("target_port", 8080), .attr("target_protocol", "http"),
            ]
            if let certificate = r.expr("certificate") { forwarding.append(.attr("certificate_name", try c.hcl(certificate))) }
            return [
                resource(
                    "digitalocean_loadbalancer", n,
                    [
                        name, region, .attr("redirect_http_to_https", true),
                        .nested("forwarding_rule", forwarding),
                        .nested("healthcheck", [.attr("port", 8080), .attr("protocol", "http"), .attr("path", r.string("healthPath") ?? "/healthz")]),
                    ])
            ]
        case "network.dns":
            return [resource("digitalocean_domain", n, [.attr("name", try c.hcl(r.expr("zone") ?? .value(.null)))])]
        case "storage.bucket":
            return [
                resource(
                    "digitalocean_spaces_bucket", n,
                    [
                        name, region, .attr("acl", r.bool("public") ? "public-read" : "private"),
                        .nested("versioning", [.attr("enabled", r.bool("versioning", default: true))]),
                    ])
            ]
        case "storage.volume":
            return [
                resource("digitalocean_volume", n, [name, region, .attr("size", r.gibibytes("size") ?? 20), .attr("initial_filesystem_type", "ext4"), tags])
            ]
        case "database.postgres", "database.mysql", "cache.redis":
            let engine = ["database.postgres": "pg", "database.mysql": "mysql", "cache.redis": "redis"][r.type] ?? "pg"
            return [
                resource(
                    "digitalocean_database_cluster", n,
                    [
                        name, .attr("engine", engine), region,
                        .attr("version", r.string("version") ?? (engine == "pg" ? "16" : engine == "mysql" ? "8" : "7")),
                        .attr("size", r.string("size") ?? "db-s-2vcpu-4gb"),
                        .attr("node_count", r.bool("highAvailability") || (r.int("replicas") ?? 0) > 0 ? 2 : 1), tags,
                    ])
            ]
        case "compute.vm":
            return [
                resource(
                    "digitalocean_droplet", n,
                    [
                        name, region, .attr("image", r.string("image") ?? "ubuntu-24-04-x64"),
                        .attr(
                            "size",
                            r.string("size") ?? "s-\(max(1, Int((r.number("cpu") ?? 2).rounded(.up))))vcpu-\(max(1, (r.mebibytes("memory") ?? 4096) / 1024))gb"),
                        .attr("monitoring", true), .attr("ipv6", true), tags,
                    ])
            ]
        case "compute.cluster":
            return [
                resource(
                    "digitalocean_kubernetes_cluster", n,
                    [
                        name, region, .attr("version", "\(r.string("version") ?? "1.31").1-do.5"),
                        .attr("auto_upgrade", true), .attr("surge_upgrade", true),
                        .nested(
                            "node_pool",
                            [
                                .attr("name", "default"), .attr("size", r.string("nodeSize") ?? "s-4vcpu-8gb"),
                                .attr("node_count", r.int("nodes") ?? 3),
                            ]), tags,
                    ])
            ]
        case "security.certificate":
            return [
                resource("digitalocean_certificate", n, [name, .attr("type", "lets_encrypt"), .attr("domains", try c.hcl(r.expr("domains") ?? .list([])))])
            ]
        case "compute.service":
            return [try app(r, in: c)]
        case "monitoring.alert":
            return [try monitorAlert(r, in: c)]
        default:
            throw .unsupported(r, "Terraform provider digitalocean", Array(supportedTypes))
        }
    }
}
