import DharmaCore

/// Dharma's types on `hashicorp/azurerm` 4.x. Everything goes into one resource group per stack.
struct AzureTerraform: TerraformProvider {
    let provider = ProviderName.azure
    let localName = "azurerm"
    let source = "hashicorp/azurerm"
    let versionConstraint = "~> 4.14"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    static let group = "azurerm_resource_group.dharma"
    static let location = HCLBlock.Item.ref("location", "\(group).location")
    static let groupName = HCLBlock.Item.ref("resource_group_name", "\(group).name")

    func configuration(region: String, stack: ExportStack) -> [HCLBlock.Item] {
        [.nested("features", [])]
    }

    func outputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        let primary: String
        switch r.type {
        case "network.vpc": primary = "azurerm_virtual_network.\(n)"
        case "network.subnet": primary = "azurerm_subnet.\(n)"
        case "network.firewall": primary = "azurerm_network_security_group.\(n)"
        case "network.loadbalancer":
            return ["id": "azurerm_lb.\(n).id", "dnsName": "azurerm_public_ip.\(n).ip_address", "url": "azurerm_public_ip.\(n).ip_address"]
        case "network.dns": return ["id": "azurerm_dns_zone.\(n).id", "nameServers": "azurerm_dns_zone.\(n).name_servers"]
        case "storage.bucket":
            return [
                "id": "azurerm_storage_container.\(n).id", "name": "azurerm_storage_container.\(n).name",
                "url": "azurerm_storage_account.\(n).primary_blob_endpoint", "arn": "azurerm_storage_account.\(n).id",
            ]
        case "storage.volume": primary = "azurerm_managed_disk.\(n)"
        case "database.postgres":
            return [
                "id": "azurerm_postgresql_flexible_server.\(n).id", "endpoint": "azurerm_postgresql_flexible_server.\(n).fqdn",
                "url": "azurerm_postgresql_flexible_server.\(n).fqdn", "port": "5432",
            ]
        case "database.mysql":
            return [
                "id": "azurerm_mysql_flexible_server.\(n).id", "endpoint": "azurerm_mysql_flexible_server.\(n).fqdn",
                "url": "azurerm_mysql_flexible_server.\(n).fqdn", "port": "3306",
            ]
        case "database.nosql":
            return ["id": "azurerm_cosmosdb_account.\(n).id", "endpoint": "azurerm_cosmosdb_account.\(n).endpoint", "arn": "azurerm_cosmosdb_account.\(n).id"]
        case "cache.redis":
            return ["id": "azurerm_redis_cache.\(n).id", "endpoint": "azurerm_redis_cache.\(n).hostname", "port": "azurerm_redis_cache.\(n).ssl_port"]
        case "queue.queue":
            return ["id": "azurerm_servicebus_queue.\(n).id", "arn": "azurerm_servicebus_queue.\(n).id", "url": "azurerm_servicebus_queue.\(n).name"]
        case "queue.topic": primary = "azurerm_servicebus_topic.\(n)"
        case "security.certificate":
            return [
                "id": "azurerm_key_vault_certificate.\(n).id", "arn": "azurerm_key_vault_certificate.\(n).secret_id",
                "notAfter": "azurerm_key_vault_certificate.\(n).certificate_attribute[0].expires",
            ]
        case "security.secret": primary = "azurerm_key_vault_secret.\(n)"
        case "security.identity": return ["id": "azurerm_user_assigned_identity.\(n).id", "arn": "azurerm_user_assigned_identity.\(n).principal_id"]
        case "monitoring.alert": primary = "azurerm_monitor_metric_alert.\(n)"
        case "compute.vm":
            return [
                "id": "azurerm_linux_virtual_machine.\(n).id", "privateIp": "azurerm_linux_virtual_machine.\(n).private_ip_address",
                "publicIp": "azurerm_linux_virtual_machine.\(n).public_ip_address",
            ]
        case "compute.service": return ["id": "azurerm_container_app.\(n).id", "url": "azurerm_container_app.\(n).latest_revision_fqdn"]
        case "compute.function":
            return [
                "id": "azurerm_linux_function_app.\(n).id", "url": "azurerm_linux_function_app.\(n).default_hostname",
                "arn": "azurerm_linux_function_app.\(n).id",
            ]
        case "network.cdn": return ["id": "azurerm_cdn_frontdoor_endpoint.\(n).id", "domainName": "azurerm_cdn_frontdoor_endpoint.\(n).host_name"]
        case "data.warehouse": return ["id": "azurerm_synapse_workspace.\(n).id", "endpoint": "azurerm_synapse_workspace.\(n).connectivity_endpoints[\"sql\"]"]
        case "compute.cluster":
            return [
                "id": "azurerm_kubernetes_cluster.\(n).id", "endpoint": "azurerm_kubernetes_cluster.\(n).private_fqdn",
                "kubeconfig": "azurerm_kubernetes_cluster.\(n).kube_config_raw",
            ]
        default: return [:]
        }
        return ["id": "\(primary).id", "arn": "\(primary).id", "name": "\(primary).name"]
    }

    /// Azure names: letters and digits only where the service insists (storage accounts).
    static func compactName(_ stack: String, _ name: String, limit: Int) -> String {
        String("\(stack)\(name)".lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(limit))
    }

    /// A reference to the network of a subnet: Azure subnets name their network, not its id.
    func networkName(_ expr: Expr?, _ c: TerraformContext) throws(ExportError) -> HCL {
        if case .output(let resource, _, _)? = expr { return .traversal("azurerm_virtual_network.\(resource).name") }
        return try expr.map { (e: Expr) throws(ExportError) in try c.hcl(e) } ?? .null
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let tags = HCLBlock.Item.attr("tags", c.tags(r))
        let name = HCLBlock.Item.attr("name", r.cloudName(c.stack.name))
        switch r.type {
        case "network.vpc":
            return [
                resource(
                    "azurerm_virtual_network", n,
                    [
                        name, Self.location, Self.groupName,
                        .attr("address_space", .list([try c.hcl(r.expr("cidr") ?? .value(.null))])), tags,
                    ])
            ]
        case "network.subnet":
            var blocks = [
                resource(
                    "azurerm_subnet", n,
                    [
                        name, Self.groupName, .attr("virtual_network_name", try networkName(r.expr("vpc"), c)),
                        .attr("address_prefixes", .list([try c.hcl(r.expr("cidr") ?? .value(.null))])),
                        .attr("default_outbound_access_enabled", r.bool("public")),
                    ])
            ]
            // Azure filters traffic per subnet: the firewall of the same network guards it.
            if let firewall = Self.firewall(sharingNetworkWith: r, in: c.stack) {
                blocks.append(
                    resource(
                        "azurerm_subnet_network_security_group_association", n,
                        [
                            .ref("subnet_id", "azurerm_subnet.\(n).id"), .ref("network_security_group_id", "azurerm_network_security_group.\(firewall).id"),
                        ]))
            }
            return blocks
        case "network.firewall":
            var items: [HCLBlock.Item] = [name, Self.location, Self.groupName]
            for (index, rule) in r.list("ingress").enumerated() {
                let fields = rule.mapEntries ?? [:]
                let ports = AWSTerraform.portRange(fields)
                let proto = fields["protocol"]?.resolved?.stringValue ?? "tcp"
                items.append(
                    .nested(
                        "security_rule",
                        [
                            .attr("name", "ingress-\(index)"), .attr("priority", 100 + index * 10), .attr("direction", "Inbound"), .attr("access", "Allow"),
                            .attr("protocol", proto == "all" ? "*" : proto.capitalized),
                            .attr("source_port_range", "*"),
                            .attr("destination_port_range", ports.0 == ports.1 ? String(ports.0) : "\(ports.0)-\(ports.1)"),
                            .attr("source_address_prefixes", try c.hcl(fields["from"] ?? .list([]))),
                            .attr("destination_address_prefix", "*"),
                            .attr("description", fields["description"]?.resolved?.stringValue ?? "managed by Dharma"),
                        ]))
            }
            items.append(tags)
            return [resource("azurerm_network_security_group", n, items)]
        case "network.loadbalancer":
            let isPublic = r.string("scheme") == "internet-facing"
            var blocks: [HCLBlock] = []
            var frontend: [HCLBlock.Item] = [.attr("name", "frontend")]
            if isPublic {
                blocks.append(
                    resource(
                        "azurerm_public_ip", n,
                        [
                            name, Self.location, Self.groupName, .attr("allocation_method", "Static"),
                            .attr("sku", "Standard"), .attr("zones", .strings(["1", "2", "3"])), tags,
                        ]))
                frontend.append(.ref("public_ip_address_id", "azurerm_public_ip.\(n).id"))
            } else if let subnet = r.list("subnets").first {
                frontend.append(.attr("subnet_id", try c.hcl(subnet)))
            }
            blocks.append(
                resource(
                    "azurerm_lb", n,
                    [
                        name, Self.location, Self.groupName, .attr("sku", "Standard"),
                        .nested("frontend_ip_configuration", frontend), tags,
                    ]))
            blocks.append(resource("azurerm_lb_backend_address_pool", n, [.ref("loadbalancer_id", "azurerm_lb.\(n).id"), .attr("name", "backends")]))
            blocks.append(
                resource(
                    "azurerm_lb_probe", n,
                    [
                        .ref("loadbalancer_id", "azurerm_lb.\(n).id"), .attr("name", "health"),
                        .attr("protocol", "Https"), .attr("port", 443), .attr("request_path", r.string("healthPath") ?? "/healthz"),
                    ]))
            blocks.append(
                resource(
                    "azurerm_lb_rule", n,
                    [
                        .ref("loadbalancer_id", "azurerm_lb.\(n).id"), .attr("name", "listener"), .attr("protocol", "Tcp"),
                        .attr("frontend_port", r.int("port") ?? 443), .attr("backend_port", r.int("port") ?? 443),
                        .attr("frontend_ip_configuration_name", "frontend"),
                        .attr("backend_address_pool_ids", .list([.traversal("azurerm_lb_backend_address_pool.\(n).id")])),
                        .ref("probe_id", "azurerm_lb_probe.\(n).id"), .attr("disable_outbound_snat", true),
                    ]))
            return blocks
        case "network.dns":
            return [
                resource(
                    r.bool("private") ? "azurerm_private_dns_zone" : "azurerm_dns_zone", n,
                    [.attr("name", try c.hcl(r.expr("zone") ?? .value(.null))), Self.groupName, tags])
            ]
        case "storage.bucket":
            return try storage(r, c, tags: tags)
        case "storage.volume":
            return [
                resource(
                    "azurerm_managed_disk", n,
                    [
                        name, Self.location, Self.groupName,
                        .attr("storage_account_type", r.string("class") == "standard" ? "Standard_LRS" : "Premium_ZRS"),
                        .attr("create_option", "Empty"), .attr("disk_size_gb", r.gibibytes("size") ?? 20),
                        .attr("public_network_access_enabled", false), .attr("network_access_policy", "DenyAll"),
                        .ref("disk_encryption_set_id", "azurerm_disk_encryption_set.dharma.id"), tags,
                    ])
            ]
        case "database.postgres", "database.mysql":
            return try database(r, c, tags: tags)
        case "database.nosql":
            return [
                resource(
                    "azurerm_cosmosdb_account", n,
                    [
                        name, Self.location, Self.groupName, .attr("offer_type", "Standard"), .attr("kind", "GlobalDocumentDB"),
                        .attr("public_network_access_enabled", false), .attr("local_authentication_disabled", true),
                        .attr("access_key_metadata_writes_enabled", false),
                        .ref("key_vault_key_id", "azurerm_key_vault_key.dharma.versionless_id"),
                        .nested("consistency_policy", [.attr("consistency_level", "Session")]),
                        .nested("geo_location", [.ref("location", "\(Self.group).location"), .attr("failover_priority", 0)]),
                        .nested("backup", [.attr("type", r.bool("pointInTimeRecovery", default: true) ? "Continuous" : "Periodic")]), tags,
                    ])
            ]
        case "cache.redis":
            return [
                resource(
                    "azurerm_redis_cache", n,
                    [
                        name, Self.location, Self.groupName,
                        .attr("capacity", Self.redisCapacity(mebibytes: r.mebibytes("memory") ?? 1024)),
                        .attr("family", "P"), .attr("sku_name", "Premium"),
                        .attr("non_ssl_port_enabled", !r.bool("encryptionInTransit", default: true)),
                        .attr("minimum_tls_version", "1.2"), .attr("public_network_access_enabled", false),
                        .attr("replicas_per_primary", r.int("replicas") ?? 1),
                        .nested("redis_configuration", [.attr("authentication_enabled", true)]), tags,
                    ])
            ]
        case "queue.queue":
            var items: [HCLBlock.Item] = [
                name, .ref("namespace_id", "azurerm_servicebus_namespace.dharma.id"),
                .attr("requires_session", r.bool("fifo")),
                .attr("lock_duration", Self.isoDuration(min(300, r.seconds("visibilityTimeout") ?? 30))),
                .attr("default_message_ttl", Self.isoDuration(r.seconds("retention") ?? 345_600)),
            ]
            if let receives = r.int("deadLetterAfter") {
                items += [.attr("max_delivery_count", receives), .attr("dead_lettering_on_message_expiration", true)]
            }
            return [resource("azurerm_servicebus_queue", n, items)]
        case "queue.topic":
            return [
                resource(
                    "azurerm_servicebus_topic", n,
                    [
                        name, .ref("namespace_id", "azurerm_servicebus_namespace.dharma.id"),
                        .attr("support_ordering", r.bool("fifo")),
                    ])
            ]
        case "security.certificate":
            return [
                resource(
                    "azurerm_key_vault_certificate", n,
                    [
                        name, .ref("key_vault_id", "azurerm_key_vault.dharma.id"),
                        .nested(
                            "certificate_policy",
                            [
                                .nested("issuer_parameters", [.attr("name", "Self")]),
                                .nested(
                                    "key_properties", [.attr("exportable", false), .attr("key_type", "EC"), .attr("curve", "P-256"), .attr("reuse_key", false)]),
                                .nested("secret_properties", [.attr("content_type", "application/x-pkcs12")]),
                                .nested(
                                    "lifetime_action",
                                    [
                                        .nested("action", [.attr("action_type", "AutoRenew")]),
                                        .nested("trigger", [.attr("days_before_expiry", r.int("renewBeforeDays") ?? 30)]),
                                    ]),
                                .nested(
                                    "x509_certificate_properties",
                                    [
                                        .attr("subject", "CN=\(r.value("domains")?.listValue?.first?.stringValue ?? n)"), .attr("validity_in_months", 12),
                                        .attr("key_usage", .strings(["digitalSignature", "keyEncipherment"])),
                                        .nested("subject_alternative_names", [.attr("dns_names", try c.hcl(r.expr("domains") ?? .list([])))]),
                                    ]),
                            ]), tags,
                    ])
            ]
        case "security.secret":
            return [
                HCLBlock("resource", ["random_password", n], [.attr("length", r.int("length") ?? 32), .attr("special", true)]),
                resource(
                    "azurerm_key_vault_secret", n,
                    [
                        name, .ref("value", "random_password.\(n).result"),
                        .ref("key_vault_id", "azurerm_key_vault.dharma.id"),
                        .attr("content_type", "text/plain"),
                        .attr("expiration_date", "2027-12-31T00:00:00Z"), tags,
                    ]),
            ]
        case "security.identity":
            return [resource("azurerm_user_assigned_identity", n, [name, Self.location, Self.groupName, tags])]
        case "monitoring.alert":
            return [
                resource(
                    "azurerm_monitor_metric_alert", n,
                    [
                        name, Self.groupName, .attr("scopes", .list([.traversal("\(Self.group).id")])),
                        .attr("severity", ["critical": 0, "warning": 2, "info": 4][r.string("severity") ?? "warning"] ?? 2),
                        .attr("window_size", "PT\(max(5, (r.seconds("for") ?? 300) / 60))M"),
                        .nested(
                            "criteria",
                            [
                                .attr("metric_namespace", "Microsoft.Insights/components"),
                                .attr("metric_name", r.string("metric") ?? "cpu"), .attr("aggregation", "Average"),
                                .attr(
                                    "operator",
                                    ["<": "LessThan", "<=": "LessThanOrEqual", ">=": "GreaterThanOrEqual"][r.string("condition") ?? ">"] ?? "GreaterThan"),
                                .attr("threshold", .number(r.number("threshold") ?? 0)),
                            ]), tags,
                    ])
            ]
        case "compute.vm":
            return try virtualMachine(r, c, tags: tags)
        case "compute.service":
            return try containerApp(r, c, tags: tags)
        case "compute.function":
            return try functionApp(r, c, tags: tags)
        case "network.cdn":
            return try frontDoor(r, c, tags: tags)
        case "data.warehouse":
            return try synapse(r, c, tags: tags)
        case "compute.cluster":
            return [
                resource(
                    "azurerm_kubernetes_cluster", n,
                    [
                        name, Self.location, Self.groupName, .attr("dns_prefix", r.cloudName(c.stack.name, limit: 54)),
                        .attr("kubernetes_version", r.string("version") ?? "1.31"),
                        .attr("private_cluster_enabled", r.bool("privateEndpoint", default: true)),
                        .attr("local_account_disabled", true), .attr("azure_policy_enabled", true),
                        .ref("disk_encryption_set_id", "azurerm_disk_encryption_set.dharma.id"),
                        .attr("automatic_upgrade_channel", "stable"),
                        .nested(
                            "default_node_pool",
                            [
                                .attr("name", "default"), .attr("node_count", r.int("nodes") ?? 3),
                                .attr("vm_size", r.string("nodeSize") ?? "Standard_D4s_v5"),
                                .attr("max_pods", 50), .attr("host_encryption_enabled", true),
                                .attr("only_critical_addons_enabled", true),
                            ]),
                        .nested("identity", [.attr("type", "SystemAssigned")]),
                        .nested("network_profile", [.attr("network_plugin", "azure"), .attr("network_policy", "azure")]),
                        .nested("oms_agent", [.ref("log_analytics_workspace_id", "azurerm_log_analytics_workspace.dharma.id")]),
                        .nested("key_vault_secrets_provider", [.attr("secret_rotation_enabled", true)]),
                        tags,
                    ])
            ]
        default:
            throw .unsupported(r, "Terraform provider azurerm", Array(supportedTypes))
        }
    }

    /// The first firewall whose `vpc` names the same network as the subnet's.
    static func firewall(sharingNetworkWith subnet: ExportResource, in stack: ExportStack) -> String? {
        guard case .output(let network, _, _)? = subnet.expr("vpc") else { return nil }
        return stack.resources.first { candidate in
            guard candidate.type == "network.firewall", candidate.provider == .azure, case .output(let other, _, _)? = candidate.expr("vpc") else {
                return false
            }
            return other == network
        }?.name
    }

    static func isoDuration(_ seconds: Int) -> String {
        seconds % 86_400 == 0 ? "P\(seconds / 86_400)D" : "PT\(seconds)S"
    }

    static func redisCapacity(mebibytes: Int) -> Int {
        [(1, 6144), (2, 13_312), (3, 26_624), (4, 53_248), (5, 122_880)].first { $0.1 >= mebibytes }?.0 ?? 5
    }
}
