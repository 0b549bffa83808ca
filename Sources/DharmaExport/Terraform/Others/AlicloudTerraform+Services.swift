import DharmaCore

/// The rest of Dharma's types on Alibaba Cloud: Elastic Container Instances, Function Compute,
/// ACK, Server Load Balancer, Alibaba Cloud DNS and PrivateZone, CDN, Tablestore, Message Service,
/// KMS secrets, RAM roles and CloudMonitor alarms.
extension AlicloudTerraform {
    func serviceOutputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "compute.service":
            return ["id": "alicloud_eci_container_group.\(n).id", "url": "alicloud_eci_container_group.\(n).intranet_ip", "port": "\(r.int("port") ?? 8080)"]
        case "compute.function":
            return [
                "id": "alicloud_fcv3_function.\(n).id", "arn": "alicloud_fcv3_function.\(n).function_arn", "url": "alicloud_fcv3_function.\(n).function_arn",
            ]
        case "compute.cluster":
            return [
                "id": "alicloud_cs_managed_kubernetes.\(n).id", "endpoint": "alicloud_cs_managed_kubernetes.\(n).connections.api_server_intranet",
                "kubeconfig": "alicloud_cs_managed_kubernetes.\(n).id",
            ]
        case "network.loadbalancer":
            return [
                "id": "alicloud_slb_load_balancer.\(n).id", "dnsName": "alicloud_slb_load_balancer.\(n).address",
                "url": "alicloud_slb_load_balancer.\(n).address",
            ]
        case "network.dns":
            return r.bool("private")
                ? ["id": "alicloud_pvtz_zone.\(n).id", "nameServers": "alicloud_pvtz_zone.\(n).zone_name"]
                : ["id": "alicloud_alidns_domain.\(n).id", "nameServers": "alicloud_alidns_domain.\(n).dns_servers"]
        case "network.cdn": return ["id": "alicloud_cdn_domain_new.\(n).id", "domainName": "alicloud_cdn_domain_new.\(n).cname"]
        case "database.nosql":
            return ["id": "alicloud_ots_table.\(n).id", "endpoint": "alicloud_ots_instance.\(n).name", "arn": "alicloud_ots_table.\(n).id"]
        case "queue.queue":
            return [
                "id": "alicloud_message_service_queue.\(n).id", "arn": "alicloud_message_service_queue.\(n).id",
                "url": "alicloud_message_service_queue.\(n).queue_name",
            ]
        case "queue.topic": return ["id": "alicloud_message_service_topic.\(n).id", "arn": "alicloud_message_service_topic.\(n).id"]
        case "security.secret":
            return ["id": "alicloud_kms_secret.\(n).id", "arn": "alicloud_kms_secret.\(n).arn", "path": "alicloud_kms_secret.\(n).secret_name"]
        case "security.identity": return ["id": "alicloud_ram_role.\(n).id", "arn": "alicloud_ram_role.\(n).arn"]
        case "monitoring.alert": return ["id": "alicloud_cms_alarm.\(n).id"]
        default: return [:]
        }
    }

    func serviceBlocks(for r: ExportResource, in c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let name = r.cloudName(c.stack.name)
        switch r.type {
        case "compute.service":
            var container: [HCLBlock.Item] = [.attr("name", n), .attr("image", try c.property(r, "image", .string("nginx:stable")) ?? .null)]
            if let port = r.int("port") { container.append(.nested("ports", [.attr("port", port), .attr("protocol", "TCP")])) }
            var environment: [HCLBlock.Item] = []
            for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
                environment.append(.nested("environment_vars", [.attr("key", key), .attr("value", try c.hcl(value))]))
            }
            let cpu: Double = max(0.25, r.number("cpu") ?? 1)
            let memory: Double = max(0.5, Double(r.mebibytes("memory") ?? 2048) / 1024)
            let items: [HCLBlock.Item] = [
                .attr("container_group_name", name), .attr("cpu", HCL.number(cpu)), .attr("memory", HCL.number(memory)),
                .ref("vswitch_id", "var.vswitch_id"), .ref("security_group_id", "var.security_group_id"), .attr("restart_policy", "Always"),
                .nested("containers", container + environment), tags,
            ]
            return [resource("alicloud_eci_container_group", n, items)]
        case "compute.function":
            var items: [HCLBlock.Item] = [
                .attr("function_name", name), .attr("runtime", r.string("runtime") ?? "python3.10"), .attr("handler", r.string("handler") ?? "main.handler"),
                .attr("memory_size", r.mebibytes("memory") ?? 256), .attr("timeout", r.seconds("timeout") ?? 30),
                .nested("code", [.attr("zip_file", .call("filebase64", [.string("\(r.string("source") ?? n).zip")]))]),
            ]
            var environment: [String: HCL] = [:]
            for (key, value) in r.map("env") { environment[key] = try c.hcl(value) }
            if !environment.isEmpty { items.append(.attr("environment_variables", .sortedObject(environment))) }
            return [resource("alicloud_fcv3_function", n, items)]
        case "compute.cluster":
            let subnets: HCL = r.expr("subnet").map { _ in .list([(try? c.property(r, "subnet")) ?? .null].compactMap { $0 }) } ?? .traversal("var.vswitch_ids")
            return [
                resource(
                    "alicloud_cs_managed_kubernetes", n,
                    [
                        .attr("name", name), .attr("cluster_spec", "ack.pro.small"), .attr("version", r.string("version") ?? "1.31.1-aliyun.1"),
                        .attr("worker_vswitch_ids", subnets), .attr("new_nat_gateway", false), .attr("pod_cidr", "172.20.0.0/16"),
                        .attr("service_cidr", "172.21.0.0/20"), .attr("slb_internet_enabled", !r.bool("privateEndpoint", default: true)),
                        .attr("control_plane_log_components", .strings(["apiserver", "kcm", "scheduler"])), tags,
                    ]),
                resource(
                    "alicloud_cs_kubernetes_node_pool", n,
                    [
                        .ref("cluster_id", "alicloud_cs_managed_kubernetes.\(n).id"), .attr("node_pool_name", name + "-nodes"), .attr("vswitch_ids", subnets),
                        .attr("instance_types", .strings([r.string("nodeSize") ?? "ecs.g7.xlarge"])), .attr("desired_size", r.int("nodes") ?? 3),
                        .attr("system_disk_category", "cloud_essd"), .attr("system_disk_encrypted", true), tags,
                    ]),
            ]
        case "network.loadbalancer":
            let https = r.string("protocol") == "https"
            let port = r.int("port") ?? (https ? 443 : 80)
            let internet = r.string("scheme") == "internet-facing"
            var balancer: [HCLBlock.Item] = [
                .attr("load_balancer_name", name), .attr("address_type", internet ? "internet" : "intranet"), .attr("load_balancer_spec", "slb.s2.small"),
                .attr("delete_protection", "on"),
            ]
            if !internet { balancer.append(.attr("vswitch_id", try c.first(r, "subnets"))) }
            var listener: [HCLBlock.Item] = [
                .ref("load_balancer_id", "alicloud_slb_load_balancer.\(n).id"), .attr("frontend_port", port), .attr("backend_port", 8080),
                .attr("protocol", https ? "https" : "http"), .attr("bandwidth", -1), .attr("health_check", "on"),
                .attr("health_check_uri", r.string("healthPath") ?? "/healthz"), .attr("health_check_connect_port", 8080),
            ]
            if https {
                listener.append(.attr("server_certificate_id", try c.property(r, "certificate", .traversal("var.certificate_id")) ?? .null))
                listener.append(
                    .attr("tls_cipher_policy", r.string("tlsPolicy") == "tls1.3" ? "tls_cipher_policy_1_2_strict_with_1_3" : "tls_cipher_policy_1_2"))
            }
            return [resource("alicloud_slb_load_balancer", n, balancer + [tags]), resource("alicloud_slb_listener", n, listener)]
        case "network.dns":
            let zone = try c.hcl(r.expr("zone") ?? .value(.null))
            var blocks = [
                r.bool("private")
                    ? resource("alicloud_pvtz_zone", n, [.attr("zone_name", zone)]) : resource("alicloud_alidns_domain", n, [.attr("domain_name", zone), tags])
            ]
            for (index, record) in r.list("records").enumerated() {
                guard let fields = record.mapEntries else { continue }
                let ttl = Int(Units.seconds(fields["ttl"]?.resolved ?? .int(600)) ?? 600)
                for (valueIndex, value) in (fields["values"]?.listItems ?? []).enumerated() {
                    let common: [HCLBlock.Item] = [
                        .attr("rr", try c.hcl(fields["name"] ?? .value(.null))), .attr("type", try c.hcl(fields["type"] ?? .value(.null))),
                        .attr("value", try c.hcl(value)), .attr("ttl", max(r.bool("private") ? 5 : 600, ttl)),
                    ]
                    blocks.append(
                        r.bool("private")
                            ? resource("alicloud_pvtz_zone_record", "\(n)-\(index)-\(valueIndex)", [.ref("zone_id", "alicloud_pvtz_zone.\(n).id")] + common)
                            : resource(
                                "alicloud_alidns_record", "\(n)-\(index)-\(valueIndex)",
                                [.ref("domain_name", "alicloud_alidns_domain.\(n).domain_name")] + common))
                }
            }
            return blocks
        case "network.cdn":
            let domain: HCL = try r.list("aliases").first.map { alias throws(ExportError) in try c.hcl(alias) } ?? .traversal("var.cdn_domain")
            var items: [HCLBlock.Item] = [
                .attr("domain_name", domain), .attr("cdn_type", "web"), .attr("scope", "global"),
                .nested(
                    "sources",
                    [
                        .attr("content", try c.hcl(r.expr("origin") ?? .value(.null))), .attr("type", "domain"), .attr("priority", 20),
                        .attr("port", 443), .attr("weight", 10),
                    ]),
            ]
            if r.bool("httpsOnly", default: true) {
                items.append(.nested("certificate_config", [.attr("server_certificate_status", "on"), .attr("cert_type", "free")]))
            }
            return [resource("alicloud_cdn_domain_new", n, items + [tags])]
        case "database.nosql":
            let instance =
                String(("d" + c.stack.name.filter { $0.isLetter || $0.isNumber }).prefix(10)) + "-" + String(n.filter { $0.isLetter || $0.isNumber }.prefix(5))
            var table: [HCLBlock.Item] = [
                .ref("instance_name", "alicloud_ots_instance.\(n).name"), .attr("table_name", OCITerraform.tableName(n)),
                .nested("primary_key", [.attr("name", r.string("partitionKey") ?? "id"), .attr("type", "String")]),
            ]
            if let sort = r.string("sortKey") { table.append(.nested("primary_key", [.attr("name", sort), .attr("type", "String")])) }
            table += [.attr("time_to_live", -1), .attr("max_version", 1), .attr("enable_sse", true), .attr("sse_key_type", "SSE_KMS_SERVICE")]
            return [
                resource(
                    "alicloud_ots_instance", n,
                    [
                        .attr("name", instance), .attr("description", "managed by Dharma"), .attr("accessed_by", "Vpc"),
                        .attr("instance_type", "HighPerformance"), tags,
                    ]),
                resource("alicloud_ots_table", n, table),
            ]
        case "queue.queue":
            return [
                resource(
                    "alicloud_message_service_queue", n,
                    [
                        .attr("queue_name", name), .attr("visibility_timeout", r.seconds("visibilityTimeout") ?? 30),
                        .attr("message_retention_period", r.seconds("retention") ?? 345_600), .attr("logging_enabled", true),
                    ])
            ]
        case "queue.topic":
            return [resource("alicloud_message_service_topic", n, [.attr("topic_name", name), .attr("logging_enabled", true)])]
        case "security.secret":
            var blocks: [HCLBlock] = []
            let data: HCL
            if let value = r.expr("value") {
                data = try c.hcl(value)
            } else {
                blocks.append(resource("random_password", n, [.attr("length", r.int("length") ?? 32), .attr("special", true)]))
                data = .traversal("random_password.\(n).result")
            }
            var items: [HCLBlock.Item] = [
                .attr("secret_name", name), .attr("secret_data", data), .attr("version_id", "v1"), .attr("recovery_window_in_days", 7),
            ]
            if let rotation = r.seconds("rotation") {
                items += [.attr("enable_automatic_rotation", true), .attr("rotation_interval", "\(max(6 * 3600, rotation))s")]
            }
            blocks.append(resource("alicloud_kms_secret", n, items + [tags]))
            return blocks
        case "security.identity":
            let statements: [HCL] = try r.list("permissions").map { permission throws(ExportError) in
                let fields = permission.mapEntries ?? [:]
                return .object([
                    ("Effect", .string(fields["effect"]?.resolved?.stringValue == "deny" ? "Deny" : "Allow")),
                    ("Action", try c.hcl(fields["actions"] ?? .list([]))), ("Resource", try c.hcl(fields["resources"] ?? .value(.list(["*"])))),
                ])
            }
            return [
                resource(
                    "alicloud_ram_role", n,
                    [
                        .attr("role_name", name),
                        .attr(
                            "assume_role_policy_document",
                            .call(
                                "jsonencode",
                                [
                                    .object([
                                        ("Version", .string("1")),
                                        (
                                            "Statement",
                                            .list([
                                                .object([
                                                    ("Effect", .string("Allow")), ("Action", .string("sts:AssumeRole")),
                                                    ("Principal", .object([("Service", .strings(["ecs.aliyuncs.com"]))])),
                                                ])
                                            ])
                                        ),
                                    ])
                                ])),
                        .attr("description", "managed by Dharma"),
                    ]),
                resource(
                    "alicloud_ram_policy", n,
                    [
                        .attr("policy_name", name),
                        .attr("policy_document", .call("jsonencode", [.object([("Version", .string("1")), ("Statement", .list(statements))])])),
                        .attr("description", "managed by Dharma"),
                    ]),
                resource(
                    "alicloud_ram_role_policy_attachment", n,
                    [
                        .ref("policy_name", "alicloud_ram_policy.\(n).policy_name"), .attr("policy_type", "Custom"),
                        .ref("role_name", "alicloud_ram_role.\(n).role_name"),
                    ]),
            ]
        case "monitoring.alert":
            let metric = r.string("metric") ?? "cpu"
            return [
                resource("alicloud_cms_alarm_contact_group", n, [.attr("alarm_contact_group_name", name), .attr("describe", "managed by Dharma")]),
                resource(
                    "alicloud_cms_alarm", n,
                    [
                        .attr("name", name), .attr("project", "acs_ecs_dashboard"),
                        .attr("metric", metric == "cpu" ? "CPUUtilization" : metric == "memory" ? "memory_usedutilization" : metric),
                        .attr("contact_groups", .list([.traversal("alicloud_cms_alarm_contact_group.\(n).alarm_contact_group_name")])),
                        .attr("period", 60), .attr("enabled", true),
                        .nested(
                            (r.string("severity") ?? "critical") == "critical" ? "escalations_critical" : "escalations_warn",
                            [
                                .attr("statistics", "Average"), .attr("comparison_operator", ">="),
                                .attr("threshold", r.number("threshold").map { String(Int($0)) } ?? "80"), .attr("times", 3),
                            ]),
                    ]),
            ]
        default:
            throw .unsupported(r, "Terraform provider alicloud", Array(supportedTypes))
        }
    }

    /// Alibaba needs the network the containers and clusters run in named; these become
    /// variables the operator fills in.
    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock] {
        let types = Set(resources.map(\.type))
        var names: [String: String] = [:]
        if types.contains("compute.service") {
            names["vswitch_id"] = "ID of the vSwitch the container groups run in"
            names["security_group_id"] = "ID of the security group of the container groups"
        }
        if resources.contains(where: { $0.type == "compute.cluster" && $0.expr("subnet") == nil }) {
            names["vswitch_ids"] = "IDs of the vSwitches the cluster's nodes run in"
        }
        if resources.contains(where: { $0.type == "network.loadbalancer" && $0.string("protocol") == "https" && $0.expr("certificate") == nil }) {
            names["certificate_id"] = "ID of the SLB server certificate HTTPS listeners present"
        }
        if resources.contains(where: { $0.type == "network.cdn" && $0.list("aliases").isEmpty }) { names["cdn_domain"] = "the domain the CDN serves" }
        return names.sorted { $0.key < $1.key }.map {
            HCLBlock("variable", [$0.key], [.attr("description", $0.value), .ref("type", $0.key == "vswitch_ids" ? "list(string)" : "string")])
        }
    }
}
