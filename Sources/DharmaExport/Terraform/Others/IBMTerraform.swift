import DharmaCore

/// Dharma's types on `IBM-Cloud/ibm` 1.x (VPC infrastructure and Databases for …).
struct IBMTerraform: TerraformProvider {
    let provider = ProviderName.ibm
    let localName = "ibm"
    let source = "IBM-Cloud/ibm"
    let versionConstraint = "~> 1.71"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    func configuration(region: String, stack: ExportStack) -> [HCLBlock.Item] { [.attr("region", region)] }

    func outputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "network.vpc": return ["id": "ibm_is_vpc.\(n).id"]
        case "network.subnet": return ["id": "ibm_is_subnet.\(n).id"]
        case "network.firewall": return ["id": "ibm_is_security_group.\(n).id"]
        case "storage.volume": return ["id": "ibm_is_volume.\(n).id"]
        case "database.postgres", "database.mysql", "cache.redis":
            return ["id": "ibm_database.\(n).id", "endpoint": "ibm_database.\(n).id", "url": "ibm_database.\(n).id", "port": "ibm_database.\(n).id"]
        case "compute.vm": return ["id": "ibm_is_instance.\(n).id", "privateIp": "ibm_is_instance.\(n).primary_network_interface[0].primary_ip[0].address"]
        default: return serviceOutputs(of: r)
        }
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let name = HCLBlock.Item.attr("name", r.cloudName(c.stack.name))
        let tags = HCLBlock.Item.attr("tags", .strings(r.tags.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)".lowercased() }))
        switch r.type {
        case "network.vpc":
            return [resource("ibm_is_vpc", n, [name, tags])]
        case "network.subnet":
            return [
                resource(
                    "ibm_is_subnet", n,
                    [
                        name, .attr("vpc", try c.hcl(r.expr("vpc") ?? .value(.null))), .attr("zone", r.string("zone") ?? "\(r.region)-1"),
                        .attr("ipv4_cidr_block", try c.hcl(r.expr("cidr") ?? .value(.null))), tags,
                    ])
            ]
        case "network.firewall":
            var blocks = [resource("ibm_is_security_group", n, [name, .attr("vpc", try c.property(r, "vpc", .null) ?? .null), tags])]
            for (index, rule) in r.list("ingress").enumerated() {
                let fields = rule.mapEntries ?? [:]
                let ports = AWSTerraform.portRange(fields)
                for (cidrIndex, cidr) in (fields["from"]?.listItems ?? []).enumerated() {
                    blocks.append(
                        resource(
                            "ibm_is_security_group_rule", "\(n)-\(index)-\(cidrIndex)",
                            [
                                .ref("group", "ibm_is_security_group.\(n).id"), .attr("direction", "inbound"), .attr("remote", try c.hcl(cidr)),
                                .nested(fields["protocol"]?.resolved?.stringValue ?? "tcp", [.attr("port_min", ports.0), .attr("port_max", ports.1)]),
                            ]))
                }
            }
            return blocks
        case "storage.volume":
            return [
                resource(
                    "ibm_is_volume", n,
                    [
                        name, .attr("profile", "general-purpose"), .attr("zone", r.string("zone") ?? "\(r.region)-1"),
                        .attr("capacity", r.gibibytes("size") ?? 20), tags,
                    ])
            ]
        case "database.postgres", "database.mysql", "cache.redis":
            let service =
                ["database.postgres": "databases-for-postgresql", "database.mysql": "databases-for-mysql", "cache.redis": "databases-for-redis"][r.type] ?? ""
            return [
                resource(
                    "ibm_database", n,
                    [
                        name, .attr("service", service), .attr("plan", "standard"), .attr("location", r.region),
                        .attr("service_endpoints", "private"), tags,
                    ])
            ]
        case "compute.vm":
            return [
                resource(
                    "ibm_is_instance", n,
                    [
                        name, .attr("image", r.string("image") ?? "ibm-ubuntu-24-04-minimal-amd64-1"),
                        .attr("profile", r.string("size") ?? "bx2-2x8"), .ref("vpc", "var.vpc_id"),
                        .attr("zone", r.string("zone") ?? "\(r.region)-1"),
                        .nested("primary_network_interface", [.attr("subnet", try c.property(r, "subnet", .null) ?? .null)]),
                        .nested("metadata_service", [.attr("enabled", true), .attr("protocol", "https")]), tags,
                    ])
            ]
        default:
            return try serviceBlocks(for: r, in: c, tags: tags)
        }
    }
}
