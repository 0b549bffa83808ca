import DharmaCore

/// The rest of Dharma's types on OCI: security lists as network security groups, the flexible
/// load balancer, DNS, OCI Database with PostgreSQL, NoSQL, Cache, Queue, Notifications, Vault,
/// IAM policies, Monitoring alarms, Container Instances, Functions and OKE.
extension OCITerraform {
    static let serviceTypes: Set<String> = [
        "network.firewall", "network.loadbalancer", "network.dns", "database.postgres", "database.nosql", "cache.redis", "queue.queue",
        "queue.topic", "security.secret", "security.identity", "monitoring.alert", "compute.service", "compute.function", "compute.cluster",
    ]

    func serviceOutputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "network.firewall": return ["id": "oci_core_network_security_group.\(n).id"]
        case "network.loadbalancer":
            let address = "oci_load_balancer_load_balancer.\(n).ip_address_details[0].ip_address"
            return ["id": "oci_load_balancer_load_balancer.\(n).id", "dnsName": address, "url": address]
        case "network.dns": return ["id": "oci_dns_zone.\(n).id", "nameServers": "oci_dns_zone.\(n).nameservers"]
        case "database.postgres":
            return [
                "id": "oci_psql_db_system.\(n).id", "endpoint": "oci_psql_db_system.\(n).network_details[0].primary_db_endpoint_private_ip",
                "url": "oci_psql_db_system.\(n).network_details[0].primary_db_endpoint_private_ip", "port": "5432",
            ]
        case "database.nosql": return ["id": "oci_nosql_table.\(n).id", "endpoint": "oci_nosql_table.\(n).name", "arn": "oci_nosql_table.\(n).id"]
        case "cache.redis":
            return ["id": "oci_redis_redis_cluster.\(n).id", "endpoint": "oci_redis_redis_cluster.\(n).primary_fqdn", "port": "6379"]
        case "queue.queue": return ["id": "oci_queue_queue.\(n).id", "arn": "oci_queue_queue.\(n).id", "url": "oci_queue_queue.\(n).messages_endpoint"]
        case "queue.topic": return ["id": "oci_ons_notification_topic.\(n).id", "arn": "oci_ons_notification_topic.\(n).id"]
        case "security.secret": return ["id": "oci_vault_secret.\(n).id", "arn": "oci_vault_secret.\(n).id", "path": "oci_vault_secret.\(n).secret_name"]
        case "security.identity": return ["id": "oci_identity_dynamic_group.\(n).id", "arn": "oci_identity_dynamic_group.\(n).id"]
        case "monitoring.alert": return ["id": "oci_monitoring_alarm.\(n).id"]
        case "compute.service":
            let address = "oci_container_instances_container_instance.\(n).vnics[0].private_ip"
            return ["id": "oci_container_instances_container_instance.\(n).id", "url": address, "port": "\(r.int("port") ?? 8080)"]
        case "compute.function":
            return ["id": "oci_functions_function.\(n).id", "arn": "oci_functions_function.\(n).id", "url": "oci_functions_function.\(n).invoke_endpoint"]
        case "compute.cluster":
            return [
                "id": "oci_containerengine_cluster.\(n).id", "endpoint": "oci_containerengine_cluster.\(n).endpoints[0].private_endpoint",
                "kubeconfig": "oci_containerengine_cluster.\(n).id",
            ]
        default: return [:]
        }
    }

    func serviceBlocks(for r: ExportResource, in c: TerraformContext, display: HCLBlock.Item, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        switch r.type {
        case "network.firewall":
            var blocks = [
                resource("oci_core_network_security_group", n, [Self.compartment, display, .attr("vcn_id", try c.property(r, "vpc", .null) ?? .null), tags])
            ]
            for (index, rule) in r.list("ingress").enumerated() {
                let fields = rule.mapEntries ?? [:]
                let ports = AWSTerraform.portRange(fields)
                let proto = fields["protocol"]?.resolved?.stringValue ?? "tcp"
                for (cidrIndex, cidr) in (fields["from"]?.listItems ?? []).enumerated() {
                    var items: [HCLBlock.Item] = [
                        .ref("network_security_group_id", "oci_core_network_security_group.\(n).id"), .attr("direction", "INGRESS"),
                        .attr("protocol", proto == "udp" ? "17" : proto == "icmp" ? "1" : "6"), .attr("source", try c.hcl(cidr)),
                        .attr("source_type", "CIDR_BLOCK"), .attr("description", fields["description"]?.resolved?.stringValue ?? "managed by Dharma"),
                    ]
                    if proto == "tcp" || proto == "udp" {
                        items.append(.nested("\(proto)_options", [.nested("destination_port_range", [.attr("min", ports.0), .attr("max", ports.1)])]))
                    }
                    blocks.append(resource("oci_core_network_security_group_security_rule", "\(n)-\(index)-\(cidrIndex)", items))
                }
            }
            return blocks
        case "network.loadbalancer":
            let https = r.string("protocol") == "https"
            let port = r.int("port") ?? (https ? 443 : 80)
            var listener: [HCLBlock.Item] = [
                .ref("load_balancer_id", "oci_load_balancer_load_balancer.\(n).id"), .attr("name", "\(n)-listener"),
                .ref("default_backend_set_name", "oci_load_balancer_backend_set.\(n).name"), .attr("port", port), .attr("protocol", "HTTP"),
            ]
            if https {
                listener.append(
                    .nested(
                        "ssl_configuration",
                        [
                            .attr(
                                "certificate_ids",
                                .list([try c.property(r, "certificate", .traversal("var.certificate_id")) ?? .traversal("var.certificate_id")])),
                            .attr("protocols", .strings(r.string("tlsPolicy") == "tls1.3" ? ["TLSv1.3"] : ["TLSv1.2", "TLSv1.3"])),
                            .attr("verify_peer_certificate", false),
                        ]))
            }
            return [
                resource(
                    "oci_load_balancer_load_balancer", n,
                    [
                        Self.compartment, display, .attr("shape", "flexible"),
                        .nested("shape_details", [.attr("minimum_bandwidth_in_mbps", 10), .attr("maximum_bandwidth_in_mbps", 100)]),
                        .attr("subnet_ids", .list(try r.list("subnets").map { e throws(ExportError) in try c.hcl(e) })),
                        .attr("is_private", r.string("scheme") != "internet-facing"), tags,
                    ]),
                resource(
                    "oci_load_balancer_backend_set", n,
                    [
                        .ref("load_balancer_id", "oci_load_balancer_load_balancer.\(n).id"), .attr("name", "\(n)-backends"), .attr("policy", "ROUND_ROBIN"),
                        .nested("health_checker", [.attr("protocol", "HTTP"), .attr("url_path", r.string("healthPath") ?? "/healthz"), .attr("port", 8080)]),
                    ]),
                resource("oci_load_balancer_listener", n, listener),
            ]
        case "network.dns":
            var blocks = [
                resource(
                    "oci_dns_zone", n,
                    [
                        Self.compartment, .attr("name", try c.hcl(r.expr("zone") ?? .value(.null))), .attr("zone_type", "PRIMARY"),
                        .attr("scope", r.bool("private") ? "PRIVATE" : "GLOBAL"), tags,
                    ])
            ]
            for (index, record) in r.list("records").enumerated() {
                guard let fields = record.mapEntries else { continue }
                let ttl = Int(Units.seconds(fields["ttl"]?.resolved ?? .int(300)) ?? 300)
                let name = try c.hcl(fields["name"] ?? .value(.null)), type = try c.hcl(fields["type"] ?? .value(.null))
                let values = (fields["values"]?.listItems ?? [])
                blocks.append(
                    resource(
                        "oci_dns_rrset", "\(n)-\(index)",
                        [
                            .ref("zone_name_or_id", "oci_dns_zone.\(n).id"), .attr("domain", name), .attr("rtype", type),
                        ]
                            + (try values.map { value throws(ExportError) -> HCLBlock.Item in
                                .nested("items", [.attr("domain", name), .attr("rtype", type), .attr("rdata", try c.hcl(value)), .attr("ttl", ttl)])
                            })))
            }
            return blocks
        case "database.postgres":
            return [
                resource("random_password", n, [.attr("length", 32), .attr("special", true), .attr("override_special", "!#$%&*()-_=+[]{}<>:?")]),
                resource(
                    "oci_psql_db_system", n,
                    [
                        Self.compartment, display, .attr("db_version", r.string("version")?.split(separator: ".").first.map(String.init) ?? "16"),
                        .attr("shape", r.string("size") ?? "PostgreSQL.VM.Standard.E5.Flex"),
                        .attr("instance_ocpu_count", max(1, Int(((r.number("cpu") ?? 2) / 2).rounded(.up)))),
                        .attr("instance_memory_size_in_gbs", max(16, (r.mebibytes("memory") ?? 16_384) / 1024)),
                        .attr("instance_count", r.bool("highAvailability") ? 2 : 1),
                        .nested("network_details", [.attr("subnet_id", try c.first(r, "subnets"))]),
                        .nested("storage_details", [.attr("is_regionally_durable", true), .attr("system_type", "OCI_OPTIMIZED_STORAGE")]),
                        .nested(
                            "credentials",
                            [
                                .attr("username", "dharma"),
                                .nested("password_details", [.attr("password_type", "PLAIN_TEXT"), .ref("password", "random_password.\(n).result")]),
                            ]),
                        .nested(
                            "management_policy",
                            [
                                .nested(
                                    "backup_policy",
                                    [
                                        .attr("kind", "DAILY"), .attr("retention_days", max(1, (r.seconds("backupRetention") ?? 604_800) / 86_400)),
                                        .attr("backup_start", "02:00"),
                                    ])
                            ]),
                        tags,
                    ]),
            ]
        case "database.nosql":
            let key = r.string("partitionKey") ?? "id"
            let sort = r.string("sortKey")
            let columns = [key] + (sort.map { [$0] } ?? [])
            let ddl =
                "CREATE TABLE IF NOT EXISTS \(Self.tableName(n)) (" + columns.map { "\($0) STRING" }.joined(separator: ", ") + ", document JSON, PRIMARY KEY("
                + (sort == nil ? "SHARD(\(key))" : "SHARD(\(key)), \(sort ?? "")") + "))"
            return [
                resource(
                    "oci_nosql_table", n,
                    [
                        Self.compartment, .attr("name", Self.tableName(n)), .attr("ddl_statement", ddl),
                        .nested(
                            "table_limits",
                            [
                                .attr("max_read_units", r.int("readCapacity") ?? 50), .attr("max_write_units", r.int("writeCapacity") ?? 50),
                                .attr("max_storage_in_gbs", 25), .attr("capacity_mode", r.string("billing") == "provisioned" ? "PROVISIONED" : "ON_DEMAND"),
                            ]),
                        tags,
                    ])
            ]
        case "cache.redis":
            return [
                resource(
                    "oci_redis_redis_cluster", n,
                    [
                        Self.compartment, display, .attr("node_count", max(1, (r.int("replicas") ?? 1) + 1)),
                        .attr("node_memory_in_gbs", max(2, (r.mebibytes("memory") ?? 2048) / 1024)), .attr("software_version", "VALKEY_7_2"),
                        .ref("subnet_id", "var.subnet_id"), tags,
                    ])
            ]
        case "queue.queue":
            var items: [HCLBlock.Item] = [
                Self.compartment, display, .attr("retention_in_seconds", r.seconds("retention") ?? 345_600),
                .attr("visibility_in_seconds", r.seconds("visibilityTimeout") ?? 30), .ref("custom_encryption_key_id", "var.kms_key_id"),
            ]
            if let deadLetter = r.int("deadLetterAfter") { items.append(.attr("dead_letter_queue_delivery_count", deadLetter)) }
            return [resource("oci_queue_queue", n, items + [tags])]
        case "queue.topic":
            return [resource("oci_ons_notification_topic", n, [Self.compartment, .attr("name", r.cloudName(c.stack.name)), tags])]
        case "security.secret":
            let content: HCL =
                if let value = r.expr("value") { .call("base64encode", [try c.hcl(value)]) } else {
                    .call("base64encode", [.traversal("random_password.\(n).result")])
                }
            var blocks: [HCLBlock] = []
            if r.expr("value") == nil { blocks.append(resource("random_password", n, [.attr("length", r.int("length") ?? 32), .attr("special", true)])) }
            blocks.append(
                resource(
                    "oci_vault_secret", n,
                    [
                        Self.compartment, .attr("secret_name", r.cloudName(c.stack.name)), .ref("vault_id", "var.vault_id"), .ref("key_id", "var.kms_key_id"),
                        .nested("secret_content", [.attr("content_type", "BASE64"), .attr("content", content)]), tags,
                    ]))
            return blocks
        case "security.identity":
            let verbs = Set(r.list("permissions").flatMap { ($0.mapEntries?["actions"]?.listItems ?? []).compactMap { $0.resolved?.stringValue } })
            let verb =
                verbs.contains { $0.contains("*") || $0.lowercased().contains("delete") }
                ? "manage" : verbs.contains { $0.lowercased().contains("put") || $0.lowercased().contains("write") } ? "use" : "read"
            return [
                resource(
                    "oci_identity_dynamic_group", n,
                    [
                        .ref("compartment_id", "var.tenancy_id"), .attr("name", r.cloudName(c.stack.name)), .attr("description", "managed by Dharma"),
                        .attr("matching_rule", .template([.string("ALL {resource.compartment.id = '"), .traversal("var.compartment_id"), .string("'}")])), tags,
                    ]),
                resource(
                    "oci_identity_policy", n,
                    [
                        Self.compartment, .attr("name", r.cloudName(c.stack.name)), .attr("description", "managed by Dharma"),
                        .attr(
                            "statements",
                            .list([
                                .template([
                                    .string("Allow dynamic-group "), .traversal("oci_identity_dynamic_group.\(n).name"),
                                    .string(" to \(verb) all-resources in compartment id "), .traversal("var.compartment_id"),
                                ])
                            ])),
                        tags,
                    ]),
            ]
        case "monitoring.alert":
            let metric = r.string("metric") ?? "cpu"
            let query =
                "\(metric == "cpu" ? "CpuUtilization" : metric == "memory" ? "MemoryUtilization" : metric)[1m].mean() > \(r.number("threshold").map { String(Int($0)) } ?? "80")"
            return [
                resource("oci_ons_notification_topic", "\(n)-notify", [Self.compartment, .attr("name", r.cloudName(c.stack.name) + "-alerts"), tags]),
                resource(
                    "oci_monitoring_alarm", n,
                    [
                        Self.compartment, display, .ref("metric_compartment_id", "var.compartment_id"), .attr("namespace", "oci_computeagent"),
                        .attr("query", query), .attr("severity", (r.string("severity") ?? "critical").uppercased() == "CRITICAL" ? "CRITICAL" : "WARNING"),
                        .attr("destinations", .list([.traversal("oci_ons_notification_topic.\(n)-notify.id")])), .attr("is_enabled", true),
                        .attr("pending_duration", "PT\(max(1, (r.seconds("for") ?? 300) / 60))M"), tags,
                    ]),
            ]
        case "compute.service":
            return [
                resource(
                    "oci_container_instances_container_instance", n,
                    [
                        Self.compartment, display, .ref("availability_domain", "var.availability_domain"), .attr("shape", "CI.Standard.E4.Flex"),
                        .nested(
                            "shape_config",
                            [
                                .attr("ocpus", max(1, Int((r.number("cpu") ?? 1).rounded(.up)))),
                                .attr("memory_in_gbs", max(1, (r.mebibytes("memory") ?? 1024) / 1024)),
                            ]),
                        .nested("containers", [.attr("image_url", try c.property(r, "image", .string("nginx:stable")) ?? .null), .attr("display_name", n)]),
                        .nested("vnics", [.ref("subnet_id", "var.subnet_id"), .attr("is_public_ip_assigned", false)]),
                        .attr("container_restart_policy", "ALWAYS"), tags,
                    ])
            ]
        case "compute.function":
            return [
                resource(
                    "oci_functions_application", n,
                    [Self.compartment, display, .attr("subnet_ids", .list([.traversal("var.subnet_id")])), .attr("shape", "GENERIC_X86"), tags]),
                resource(
                    "oci_functions_function", n,
                    [
                        .ref("application_id", "oci_functions_application.\(n).id"), display, .ref("image", "var.function_image"),
                        .attr("memory_in_mbs", "\(r.mebibytes("memory") ?? 256)"), .attr("timeout_in_seconds", r.seconds("timeout") ?? 30), tags,
                    ]),
            ]
        case "compute.cluster":
            return [
                resource(
                    "oci_containerengine_cluster", n,
                    [
                        Self.compartment, .attr("name", r.cloudName(c.stack.name)), .attr("kubernetes_version", "v\(r.string("version") ?? "1.31.1")"),
                        .ref("vcn_id", "var.vcn_id"),
                        .nested(
                            "endpoint_config",
                            [
                                .attr("subnet_id", try c.property(r, "subnet", .traversal("var.subnet_id")) ?? .null),
                                .attr("is_public_ip_enabled", !r.bool("privateEndpoint", default: true)),
                            ]),
                        .attr("type", "ENHANCED_CLUSTER"), tags,
                    ]),
                resource(
                    "oci_containerengine_node_pool", n,
                    [
                        Self.compartment, .ref("cluster_id", "oci_containerengine_cluster.\(n).id"), .attr("name", r.cloudName(c.stack.name) + "-nodes"),
                        .attr("kubernetes_version", "v\(r.string("version") ?? "1.31.1")"), .attr("node_shape", r.string("nodeSize") ?? "VM.Standard.E5.Flex"),
                        .nested("node_shape_config", [.attr("ocpus", 2), .attr("memory_in_gbs", 16)]),
                        .nested(
                            "node_config_details",
                            [
                                .attr("size", r.int("nodes") ?? 3), .attr("is_pv_encryption_in_transit_enabled", true),
                                .nested(
                                    "placement_configs",
                                    [
                                        .ref("availability_domain", "var.availability_domain"),
                                        .attr("subnet_id", try c.property(r, "subnet", .traversal("var.subnet_id")) ?? .null),
                                    ]),
                            ]),
                        .nested("node_source_details", [.attr("source_type", "IMAGE"), .ref("image_id", "var.image_id")]),
                        tags,
                    ]),
            ]
        default:
            throw .unsupported(r, "Terraform provider oci", Array(supportedTypes))
        }
    }

    /// NoSQL table names: letters, digits and `_`.
    static func tableName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
