import DharmaCore

/// Dharma's types on `terraform-provider-openstack/openstack` 3.x.
struct OpenStackTerraform: TerraformProvider {
    let provider = ProviderName.openstack
    let localName = "openstack"
    let source = "terraform-provider-openstack/openstack"
    let versionConstraint = "~> 3.0"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    func outputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "network.vpc": return ["id": "openstack_networking_network_v2.\(n).id"]
        case "network.subnet": return ["id": "openstack_networking_subnet_v2.\(n).id"]
        case "network.firewall": return ["id": "openstack_networking_secgroup_v2.\(n).id"]
        case "network.loadbalancer":
            return [
                "id": "openstack_lb_loadbalancer_v2.\(n).id", "dnsName": "openstack_lb_loadbalancer_v2.\(n).vip_address",
                "url": "openstack_lb_loadbalancer_v2.\(n).vip_address",
            ]
        case "storage.bucket": return ["id": "openstack_objectstorage_container_v1.\(n).id", "name": "openstack_objectstorage_container_v1.\(n).name"]
        case "storage.volume": return ["id": "openstack_blockstorage_volume_v3.\(n).id"]
        case "compute.vm": return ["id": "openstack_compute_instance_v2.\(n).id", "privateIp": "openstack_compute_instance_v2.\(n).access_ip_v4"]
        case "compute.cluster":
            return [
                "id": "openstack_containerinfra_cluster_v1.\(n).id", "endpoint": "openstack_containerinfra_cluster_v1.\(n).api_address",
                "kubeconfig": "openstack_containerinfra_cluster_v1.\(n).kubeconfig.raw_config",
            ]
        default: return [:]
        }
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let name = HCLBlock.Item.attr("name", r.cloudName(c.stack.name))
        switch r.type {
        case "network.vpc":
            return [resource("openstack_networking_network_v2", n, [name, .attr("admin_state_up", true)])]
        case "network.subnet":
            return [
                resource(
                    "openstack_networking_subnet_v2", n,
                    [
                        name, .attr("network_id", try c.hcl(r.expr("vpc") ?? .value(.null))),
                        .attr("cidr", try c.hcl(r.expr("cidr") ?? .value(.null))), .attr("ip_version", 4),
                    ])
            ]
        case "network.firewall":
            var blocks = [resource("openstack_networking_secgroup_v2", n, [name, .attr("description", "managed by Dharma")])]
            for (index, rule) in r.list("ingress").enumerated() {
                let fields = rule.mapEntries ?? [:]
                let ports = AWSTerraform.portRange(fields)
                for (cidrIndex, cidr) in (fields["from"]?.listItems ?? []).enumerated() {
                    blocks.append(
                        resource(
                            "openstack_networking_secgroup_rule_v2", "\(n)-\(index)-\(cidrIndex)",
                            [
                                .attr("direction", "ingress"), .attr("ethertype", "IPv4"),
                                .attr("protocol", fields["protocol"]?.resolved?.stringValue ?? "tcp"),
                                .attr("port_range_min", ports.0), .attr("port_range_max", ports.1), .attr("remote_ip_prefix", try c.hcl(cidr)),
                                .ref("security_group_id", "openstack_networking_secgroup_v2.\(n).id"),
                            ]))
                }
            }
            return blocks
        case "network.loadbalancer":
            return [resource("openstack_lb_loadbalancer_v2", n, [name, .attr("vip_subnet_id", try c.first(r, "subnets"))])]
        case "storage.bucket":
            return [
                resource(
                    "openstack_objectstorage_container_v1", n,
                    [
                        name,
                        .nested(
                            "versioning_legacy",
                            [
                                .attr("type", "versions"),
                                .attr("location", "\(r.cloudName(c.stack.name))-versions"),
                            ]),
                    ])
            ]
        case "storage.volume":
            return [resource("openstack_blockstorage_volume_v3", n, [name, .attr("size", r.gibibytes("size") ?? 20), .attr("enable_online_resize", true)])]
        case "compute.vm":
            var items: [HCLBlock.Item] = [
                name, .attr("image_name", r.string("image") ?? "ubuntu-24.04"),
                .attr(
                    "flavor_name",
                    r.string("size") ?? InstanceSizing.generic(prefix: "m1.", cpu: r.number("cpu") ?? 2, mebibytes: r.mebibytes("memory") ?? 4096)),
            ]
            if let subnet = r.expr("subnet") { items.append(.nested("network", [.attr("uuid", try c.hcl(subnet))])) }
            return [resource("openstack_compute_instance_v2", n, items)]
        case "compute.cluster":
            // Magnum builds clusters from a template the cloud's operator publishes; its id is
            // the one thing only the operator knows.
            var items: [HCLBlock.Item] = [
                name, .ref("cluster_template_id", "var.cluster_template_id"), .attr("node_count", r.int("nodes") ?? 3), .attr("master_count", 3),
                .attr("labels", .sortedObject(["kube_tag": .string("v\(r.string("version") ?? "1.31").0")])),
            ]
            if let flavor = r.string("nodeSize") { items.append(.attr("flavor", flavor)) }
            if let subnet = r.expr("subnet") { items.append(.attr("fixed_subnet", try c.hcl(subnet))) }
            return [resource("openstack_containerinfra_cluster_v1", n, items)]
        default:
            throw .unsupported(r, "Terraform provider openstack", Array(supportedTypes))
        }
    }

    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock] {
        guard resources.contains(where: { $0.type == "compute.cluster" }) else { return [] }
        return [
            HCLBlock(
                "variable", ["cluster_template_id"],
                [.attr("description", "ID of the Magnum cluster template the clusters are built from"), .ref("type", "string")])
        ]
    }
}
