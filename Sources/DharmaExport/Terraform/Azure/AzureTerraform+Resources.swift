import DharmaCore

extension AzureTerraform {
    /// A storage account locked down by default (TLS 1.2, HTTPS only, no shared keys, no
    /// public network, geo-redundant, customer-managed key) and a private container; for a
    /// data lake, a hierarchical namespace and a filesystem instead (which rule out blob
    /// versioning and the change feed).
    func storage(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item, dataLake: Bool = false) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let isPublic = r.bool("public")
        var blob: [HCLBlock.Item] = [
            .nested("delete_retention_policy", [.attr("days", 30)]),
            .nested("container_delete_retention_policy", [.attr("days", 30)]),
        ]
        if !dataLake {
            blob.insert(contentsOf: [.attr("versioning_enabled", r.bool("versioning", default: true)), .attr("change_feed_enabled", true)], at: 0)
        }
        if r.bool("accessLogs", default: true) { blob.insert(.attr("last_access_time_enabled", true), at: 0) }
        return [
            resource(
                "azurerm_storage_account", n,
                [
                    .attr("name", Self.compactName(c.stack.name, n, limit: 24)), Self.groupName, Self.location,
                    .attr("account_tier", "Standard"), .attr("account_replication_type", "GRS"),
                    .attr("min_tls_version", "TLS1_2"), .attr("https_traffic_only_enabled", true),
                    .attr("allow_nested_items_to_be_public", isPublic), .attr("public_network_access_enabled", isPublic),
                    .attr("shared_access_key_enabled", false), .attr("local_user_enabled", false),
                    .attr("infrastructure_encryption_enabled", true), .attr("is_hns_enabled", dataLake),
                    .nested("blob_properties", blob),
                    .nested("network_rules", [.attr("default_action", isPublic ? "Allow" : "Deny"), .attr("bypass", .strings(["AzureServices"]))]),
                    .nested("sas_policy", [.attr("expiration_period", "01.00:00:00")]),
                    .nested(
                        "queue_properties",
                        [
                            .nested(
                                "logging",
                                [
                                    .attr("delete", true), .attr("read", true), .attr("write", true),
                                    .attr("version", "1.0"), .attr("retention_policy_days", 90),
                                ])
                        ]),
                    .nested("identity", [.attr("type", "SystemAssigned")]),
                    tags,
                ]),
            resource(
                "azurerm_storage_account_customer_managed_key", n,
                [
                    .ref("storage_account_id", "azurerm_storage_account.\(n).id"),
                    .ref("key_vault_id", "azurerm_key_vault.dharma.id"), .ref("key_name", "azurerm_key_vault_key.dharma.name"),
                ]),
            resource(
                "azurerm_monitor_diagnostic_setting", n,
                [
                    .attr("name", "blob-access"),
                    .attr("target_resource_id", .template([.traversal("azurerm_storage_account.\(n).id"), .string("/blobServices/default")])),
                    .ref("log_analytics_workspace_id", "azurerm_log_analytics_workspace.dharma.id"),
                    .nested("enabled_log", [.attr("category", "StorageRead")]), .nested("enabled_log", [.attr("category", "StorageWrite")]),
                    .nested("enabled_log", [.attr("category", "StorageDelete")]),
                ]),
            dataLake
                ? resource(
                    "azurerm_storage_data_lake_gen2_filesystem", n,
                    [.attr("name", r.cloudName(c.stack.name)), .ref("storage_account_id", "azurerm_storage_account.\(n).id")])
                : resource(
                    "azurerm_storage_container", n,
                    [
                        .attr("name", r.cloudName(c.stack.name)),
                        .ref("storage_account_id", "azurerm_storage_account.\(n).id"),
                        .attr("container_access_type", isPublic ? "blob" : "private"),
                    ]),
        ]
    }

    /// A flexible server with zone-redundant HA when asked, geo-redundant backups, no public access.
    func database(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let postgres = r.type == "database.postgres"
        let type = postgres ? "azurerm_postgresql_flexible_server" : "azurerm_mysql_flexible_server"
        var items: [HCLBlock.Item] = [
            .attr("name", r.cloudName(c.stack.name)), Self.groupName, Self.location,
            .attr("version", r.string("version") ?? (postgres ? "16" : "8.0.21")),
            .attr("sku_name", r.string("size") ?? "GP_Standard_D\(max(2, Int((r.number("cpu") ?? 2).rounded(.up))))ds_v5"),
            .attr("administrator_login", try c.property(r, "username", .string("dharma")) ?? .string("dharma")),
            .ref("administrator_password", "random_password.\(n).result"),
            .attr("backup_retention_days", min(35, max(7, (r.seconds("backupRetention") ?? 604_800) / 86_400))),
            .attr("geo_redundant_backup_enabled", true),
        ]
        if postgres {
            items.append(.attr("storage_mb", Self.postgresStorage(gibibytes: r.gibibytes("storage") ?? 32)))
            items.append(.attr("public_network_access_enabled", r.bool("public")))
        } else {
            items.append(.nested("storage", [.attr("size_gb", max(20, r.gibibytes("storage") ?? 20)), .attr("auto_grow_enabled", true)]))
        }
        if r.bool("highAvailability") {
            items.append(.nested("high_availability", [.attr("mode", "ZoneRedundant")]))
        }
        items.append(tags)
        var blocks = [HCLBlock("resource", ["random_password", n], [.attr("length", 32), .attr("special", false)]), resource(type, n, items)]
        if postgres {
            for (flag, value) in [("log_checkpoints", "on"), ("log_connections", "on"), ("log_disconnections", "on"), ("connection_throttle.enable", "on")] {
                blocks.append(
                    resource(
                        "azurerm_postgresql_flexible_server_configuration", "\(n)-\(flag.replacingOccurrences(of: ".", with: "-"))",
                        [
                            .attr("name", flag), .ref("server_id", "\(type).\(n).id"), .attr("value", value),
                        ]))
            }
        } else {
            blocks.append(
                resource(
                    "azurerm_mysql_flexible_server_configuration", "\(n)-tls",
                    [
                        .attr("name", "tls_version"), Self.groupName, .ref("server_name", "\(type).\(n).name"), .attr("value", "TLSv1.2,TLSv1.3"),
                    ]))
        }
        return blocks
    }

    static func postgresStorage(gibibytes: Int) -> Int {
        [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16_384, 32_767].first { $0 >= gibibytes }.map { $0 == 32_767 ? 33_553_408 : $0 * 1024 } ?? 33_553_408
    }

    /// A Linux VM with its NIC, SSH keys only, encryption at host and no extensions.
    func virtualMachine(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        var nic: [HCLBlock.Item] = [.attr("name", r.cloudName(c.stack.name)), Self.location, Self.groupName]
        var ip: [HCLBlock.Item] = [.attr("name", "primary"), .attr("private_ip_address_allocation", "Dynamic")]
        if let subnet = r.expr("subnet") { ip.insert(.attr("subnet_id", try c.hcl(subnet)), at: 1) }
        nic += [.nested("ip_configuration", ip), tags]
        let keys = r.value("sshKeys")?.listValue?.compactMap(\.stringValue) ?? []
        var items: [HCLBlock.Item] = [
            .attr("name", r.cloudName(c.stack.name)), Self.location, Self.groupName,
            .attr("size", r.string("size") ?? InstanceSizing.azure(cpu: r.number("cpu") ?? 2, mebibytes: r.mebibytes("memory") ?? 4096)),
            .attr("admin_username", "dharma"), .attr("disable_password_authentication", true),
            .attr("allow_extension_operations", false), .attr("encryption_at_host_enabled", true),
            .attr("network_interface_ids", .list([.traversal("azurerm_network_interface.\(n).id")])),
        ]
        if r.bool("spot") { items += [.attr("priority", "Spot"), .attr("eviction_policy", "Deallocate")] }
        if let userData = r.expr("userData") { items.append(.attr("custom_data", .call("base64encode", [try c.hcl(userData)]))) }
        for key in keys.isEmpty ? ["ssh-ed25519 REPLACE-ME dharma"] : keys {
            items.append(.nested("admin_ssh_key", [.attr("username", "dharma"), .attr("public_key", key)]))
        }
        items.append(
            .nested(
                "os_disk",
                [
                    .attr("caching", "ReadWrite"), .attr("storage_account_type", "Premium_LRS"),
                    .attr("disk_size_gb", r.gibibytes("disk") ?? 30),
                    .ref("disk_encryption_set_id", "azurerm_disk_encryption_set.dharma.id"),
                ]))
        items.append(
            .nested(
                "source_image_reference",
                [
                    .attr("publisher", "Canonical"), .attr("offer", "ubuntu-24_04-lts"),
                    .attr("sku", "server"), .attr("version", "latest"),
                ]))
        items.append(tags)
        return [resource("azurerm_network_interface", n, nic), resource("azurerm_linux_virtual_machine", n, items)]
    }

    /// A Container App in the stack's environment, ingress over HTTPS only.
    func containerApp(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        var container: [HCLBlock.Item] = [
            .attr("name", r.name), .attr("image", try c.property(r, "image", .string("mcr.microsoft.com/k8se/quickstart:latest")) ?? .null),
            .attr("cpu", .number(Self.containerCPU(r.number("cpu") ?? 0.5))), .attr("memory", Self.containerMemory(r.number("cpu") ?? 0.5)),
        ]
        for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
            container.append(.nested("env", [.attr("name", key), .attr("value", try c.hcl(value))]))
        }
        let replicas = try c.property(r, "replicas", .int(1)) ?? .int(1)
        return [
            resource(
                "azurerm_container_app", r.name,
                [
                    .attr("name", r.cloudName(c.stack.name, limit: 32)), Self.groupName,
                    .ref("container_app_environment_id", "azurerm_container_app_environment.dharma.id"),
                    .attr("revision_mode", "Single"),
                    .nested("template", [.attribute("min_replicas", replicas), .attribute("max_replicas", replicas), .nested("container", container)]),
                    .nested(
                        "ingress",
                        [
                            .attr("external_enabled", true), .attr("target_port", r.int("port") ?? 8080), .attr("allow_insecure_connections", false),
                            .nested("traffic_weight", [.attr("latest_revision", true), .attr("percentage", 100)]),
                        ]),
                    tags,
                ])
        ]
    }

    /// Container Apps accept fixed CPU/memory pairs: 0.25 vCPU with 0.5Gi, and so on.
    static func containerCPU(_ cores: Double) -> Double {
        [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 4].first { $0 >= cores } ?? 4
    }

    static func containerMemory(_ cores: Double) -> String {
        let cpu = containerCPU(cores)
        let gibibytes = cpu * 2
        return gibibytes.rounded() == gibibytes ? "\(Int(gibibytes))Gi" : "\(gibibytes)Gi"
    }

    /// The resource group and the stack-wide services resources share: Key Vault with a key
    /// for customer-managed encryption, a disk encryption set, Service Bus, Log Analytics.
    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock] {
        guard !resources.isEmpty else { return [] }
        let types = Set(resources.map(\.type))
        let tags = HCLBlock.Item.attr(
            "tags", .sortedObject(["stack": .string(stack.name), "environment": .string(stack.environment), "managed-by": .string("dharma")]))
        let base = "\(stack.name)-\(stack.environment)".lowercased()
        var blocks = [
            HCLBlock("data", ["azurerm_client_config", "current"]),
            resource("azurerm_resource_group", "dharma", [.attr("name", "rg-\(base)"), .attr("location", region), tags]),
            resource(
                "azurerm_key_vault", "dharma",
                [
                    .attr("name", "kv-" + Self.compactName(stack.name, stack.environment, limit: 21)), Self.location, Self.groupName,
                    .ref("tenant_id", "data.azurerm_client_config.current.tenant_id"), .attr("sku_name", "premium"),
                    .attr("purge_protection_enabled", true), .attr("soft_delete_retention_days", 90), .attr("enable_rbac_authorization", true),
                    .attr("public_network_access_enabled", false),
                    .nested("network_acls", [.attr("default_action", "Deny"), .attr("bypass", "AzureServices")]), tags,
                ]),
            resource(
                "azurerm_key_vault_key", "dharma",
                [
                    .attr("name", "dharma"), .ref("key_vault_id", "azurerm_key_vault.dharma.id"), .attr("key_type", "RSA-HSM"), .attr("key_size", 3072),
                    .attr("key_opts", .strings(["decrypt", "encrypt", "sign", "unwrapKey", "verify", "wrapKey"])),
                    .attr("expiration_date", "2027-12-31T00:00:00Z"),
                    .nested(
                        "rotation_policy",
                        [
                            .attr("expire_after", "P1Y"), .attr("notify_before_expiry", "P30D"),
                            .nested("automatic", [.attr("time_before_expiry", "P30D")]),
                        ]),
                ]),
        ]
        if !types.isDisjoint(with: ["storage.volume", "compute.vm", "compute.cluster"]) {
            blocks.append(
                resource(
                    "azurerm_disk_encryption_set", "dharma",
                    [
                        .attr("name", "des-\(base)"), Self.location, Self.groupName, .ref("key_vault_key_id", "azurerm_key_vault_key.dharma.versionless_id"),
                        .attr("auto_key_rotation_enabled", true), .nested("identity", [.attr("type", "SystemAssigned")]), tags,
                    ]))
        }
        if !types.isDisjoint(with: ["queue.queue", "queue.topic"]) {
            blocks.append(
                resource(
                    "azurerm_servicebus_namespace", "dharma",
                    [
                        .attr("name", "sb-\(base)"), Self.location, Self.groupName, .attr("sku", "Premium"), .attr("premium_messaging_partitions", 1),
                        .attr("capacity", 1),
                        .attr("local_auth_enabled", false), .attr("public_network_access_enabled", false), .attr("minimum_tls_version", "1.2"),
                        .nested(
                            "identity", [.attr("type", "UserAssigned"), .attr("identity_ids", .list([.traversal("azurerm_user_assigned_identity.dharma.id")]))]),
                        .nested(
                            "customer_managed_key",
                            [
                                .ref("key_vault_key_id", "azurerm_key_vault_key.dharma.id"),
                                .ref("identity_id", "azurerm_user_assigned_identity.dharma.id"),
                                .attr("infrastructure_encryption_enabled", true),
                            ]), tags,
                    ]))
            blocks.append(resource("azurerm_user_assigned_identity", "dharma", [.attr("name", "id-\(base)"), Self.location, Self.groupName, tags]))
        }
        if !types.isDisjoint(with: ["compute.service", "compute.cluster", "storage.bucket", "compute.function", "data.warehouse"]) {
            blocks.append(
                resource(
                    "azurerm_log_analytics_workspace", "dharma",
                    [
                        .attr("name", "log-\(base)"), Self.location, Self.groupName, .attr("sku", "PerGB2018"), .attr("retention_in_days", 365), tags,
                    ]))
        }
        if types.contains("compute.service") {
            blocks.append(
                resource(
                    "azurerm_container_app_environment", "dharma",
                    [
                        .attr("name", "cae-\(base)"), Self.location, Self.groupName,
                        .ref("log_analytics_workspace_id", "azurerm_log_analytics_workspace.dharma.id"), tags,
                    ]))
        }
        return blocks
    }
}
