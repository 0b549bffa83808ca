import DharmaCore

/// Dharma's types on `aliyun/alicloud` 1.x.
struct AlicloudTerraform: TerraformProvider {
    let provider = ProviderName.alibaba
    let localName = "alicloud"
    let source = "aliyun/alicloud"
    let versionConstraint = "~> 1.235"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    func configuration(region: String, stack: ExportStack) -> [HCLBlock.Item] { [.attr("region", region)] }

    func outputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "network.vpc": return ["id": "alicloud_vpc.\(n).id"]
        case "network.subnet": return ["id": "alicloud_vswitch.\(n).id"]
        case "network.firewall": return ["id": "alicloud_security_group.\(n).id"]
        case "storage.bucket":
            return ["id": "alicloud_oss_bucket.\(n).id", "name": "alicloud_oss_bucket.\(n).bucket", "url": "alicloud_oss_bucket.\(n).extranet_endpoint"]
        case "storage.volume": return ["id": "alicloud_ecs_disk.\(n).id"]
        case "database.postgres", "database.mysql":
            return [
                "id": "alicloud_db_instance.\(n).id", "endpoint": "alicloud_db_instance.\(n).connection_string", "port": "alicloud_db_instance.\(n).port",
                "url": "alicloud_db_instance.\(n).connection_string",
            ]
        case "cache.redis":
            return [
                "id": "alicloud_kvstore_instance.\(n).id", "endpoint": "alicloud_kvstore_instance.\(n).connection_domain",
                "port": "alicloud_kvstore_instance.\(n).port",
            ]
        case "compute.vm":
            return ["id": "alicloud_instance.\(n).id", "privateIp": "alicloud_instance.\(n).private_ip", "publicIp": "alicloud_instance.\(n).public_ip"]
        default: return serviceOutputs(of: r)
        }
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let tags = HCLBlock.Item.attr("tags", c.tags(r))
        switch r.type {
        case "network.vpc":
            return [
                resource(
                    "alicloud_vpc", n, [.attr("vpc_name", r.cloudName(c.stack.name)), .attr("cidr_block", try c.hcl(r.expr("cidr") ?? .value(.null))), tags])
            ]
        case "network.subnet":
            return [
                resource(
                    "alicloud_vswitch", n,
                    [
                        .attr("vswitch_name", r.cloudName(c.stack.name)), .attr("vpc_id", try c.hcl(r.expr("vpc") ?? .value(.null))),
                        .attr("cidr_block", try c.hcl(r.expr("cidr") ?? .value(.null))), .attr("zone_id", r.string("zone") ?? "\(r.region)-a"), tags,
                    ])
            ]
        case "network.firewall":
            var blocks = [
                resource(
                    "alicloud_security_group", n,
                    [
                        .attr("security_group_name", r.cloudName(c.stack.name)),
                        .attr("vpc_id", try c.property(r, "vpc", .null) ?? .null), tags,
                    ])
            ]
            for (index, rule) in r.list("ingress").enumerated() {
                let fields = rule.mapEntries ?? [:]
                let ports = AWSTerraform.portRange(fields)
                for (cidrIndex, cidr) in (fields["from"]?.listItems ?? []).enumerated() {
                    blocks.append(
                        resource(
                            "alicloud_security_group_rule", "\(n)-\(index)-\(cidrIndex)",
                            [
                                .attr("type", "ingress"), .attr("ip_protocol", fields["protocol"]?.resolved?.stringValue ?? "tcp"),
                                .attr("port_range", "\(ports.0)/\(ports.1)"), .ref("security_group_id", "alicloud_security_group.\(n).id"),
                                .attr("cidr_ip", try c.hcl(cidr)), .attr("description", fields["description"]?.resolved?.stringValue ?? "managed by Dharma"),
                            ]))
                }
            }
            return blocks
        case "storage.bucket":
            return [
                resource(
                    "alicloud_oss_bucket", n,
                    [
                        .attr("bucket", r.cloudName(c.stack.name)),
                        .nested("server_side_encryption_rule", [.attr("sse_algorithm", "KMS")]),
                        .nested("versioning", [.attr("status", r.bool("versioning", default: true) ? "Enabled" : "Suspended")]), tags,
                    ]),
                resource(
                    "alicloud_oss_bucket_acl", n,
                    [.ref("bucket", "alicloud_oss_bucket.\(n).bucket"), .attr("acl", r.bool("public") ? "public-read" : "private")]),
            ]
        case "storage.volume":
            return [
                resource(
                    "alicloud_ecs_disk", n,
                    [
                        .attr("zone_id", r.string("zone") ?? "\(r.region)-a"), .attr("size", r.gibibytes("size") ?? 20),
                        .attr("category", "cloud_essd"), .attr("encrypted", true), tags,
                    ])
            ]
        case "database.postgres", "database.mysql":
            let postgres = r.type == "database.postgres"
            return [
                resource(
                    "alicloud_db_instance", n,
                    [
                        .attr("engine", postgres ? "PostgreSQL" : "MySQL"),
                        .attr("engine_version", r.string("version") ?? (postgres ? "16.0" : "8.0")),
                        .attr("instance_type", r.string("size") ?? (postgres ? "pg.n2.2c.2m" : "mysql.n2.medium.2c")),
                        .attr("instance_storage", r.gibibytes("storage") ?? 20), .attr("instance_charge_type", "Postpaid"),
                        .attr("vswitch_id", try c.first(r, "subnets")),
                        .attr("ssl_action", "Open"), .attr("tde_status", "Enabled"),
                        .attr("security_ips", .strings(["10.0.0.0/8"])), tags,
                    ])
            ]
        case "cache.redis":
            return [
                resource(
                    "alicloud_kvstore_instance", n,
                    [
                        .attr("db_instance_name", r.cloudName(c.stack.name)), .attr("engine_version", "7.0"),
                        .attr("instance_class", "redis.master.small.default"), .attr("zone_id", "\(r.region)-a"),
                        .attr("ssl_enable", "Enable"), .attr("tde_status", "Enabled"), tags,
                    ])
            ]
        case "compute.vm":
            return [
                resource(
                    "alicloud_instance", n,
                    [
                        .attr("instance_name", r.cloudName(c.stack.name)), .attr("image_id", r.string("image") ?? "ubuntu_24_04_x64_20G_alibase_20240812.vhd"),
                        .attr("instance_type", r.string("size") ?? "ecs.g7.large"),
                        .attr("vswitch_id", try c.property(r, "subnet", .null) ?? .null),
                        .attr("system_disk_category", "cloud_essd"), .attr("system_disk_size", r.gibibytes("disk") ?? 20),
                        .attr("system_disk_encrypted", true), .attr("internet_max_bandwidth_out", r.bool("publicIp") ? 10 : 0), tags,
                    ])
            ]
        default:
            return try serviceBlocks(for: r, in: c, tags: tags)
        }
    }
}
