import DharmaCore

/// Azure Functions on the Flex/consumption plan, and Synapse as the data warehouse.
extension AzureTerraform {
    /// A Linux function app on a consumption plan, HTTPS only, with a system identity that
    /// reaches its storage account (locked down like a bucket) without shared keys.
    func functionApp(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let runtime = r.string("runtime") ?? "python3.12"
        var settings: [String: HCL] = ["FUNCTIONS_EXTENSION_VERSION": .string("~4")]
        for (key, value) in r.map("env") { settings[key] = try c.hcl(value) }
        var blocks = try storage(r, c, tags: tags)
        blocks += [
            resource(
                "azurerm_service_plan", n,
                [.attr("name", r.cloudName(c.stack.name)), Self.groupName, Self.location, .attr("os_type", "Linux"), .attr("sku_name", "Y1"), tags]),
            resource(
                "azurerm_linux_function_app", n,
                [
                    .attr("name", r.cloudName(c.stack.name, limit: 60)), Self.groupName, Self.location,
                    .ref("service_plan_id", "azurerm_service_plan.\(n).id"), .ref("storage_account_name", "azurerm_storage_account.\(n).name"),
                    .attr("storage_uses_managed_identity", true), .attr("https_only", true), .attr("public_network_access_enabled", false),
                    .attr("client_certificate_enabled", true), .attr("client_certificate_mode", "Required"),
                    .attr("app_settings", .sortedObject(settings)),
                    .nested(
                        "site_config",
                        [
                            .attr("minimum_tls_version", "1.2"), .attr("ftps_state", "Disabled"), .attr("http2_enabled", true),
                            .attr("app_scale_limit", r.int("concurrency") ?? 200), .nested("application_stack", Self.functionStack(runtime)),
                        ]),
                    .nested("auth_settings_v2", [.attr("auth_enabled", true), .nested("login", [])]),
                    .nested("identity", [.attr("type", "SystemAssigned")]), tags,
                ]),
            resource(
                "azurerm_role_assignment", n,
                [
                    .ref("scope", "azurerm_storage_account.\(n).id"), .attr("role_definition_name", "Storage Blob Data Owner"),
                    .ref("principal_id", "azurerm_linux_function_app.\(n).identity[0].principal_id"),
                ]),
        ]
        return blocks
    }

    /// The language stack of a function app; runtimes Azure has no stack for (Go, Ruby,
    /// custom) run as a custom handler.
    static func functionStack(_ runtime: String) -> [HCLBlock.Item] {
        let digits = runtime.drop { !$0.isNumber }
        switch runtime {
        case _ where runtime.hasPrefix("nodejs"): return [.attr("node_version", String(digits.prefix { $0.isNumber }))]
        case _ where runtime.hasPrefix("python"): return [.attr("python_version", String(digits))]
        case _ where runtime.hasPrefix("java"): return [.attr("java_version", String(digits))]
        case _ where runtime.hasPrefix("dotnet"): return [.attr("dotnet_version", "\(digits).0"), .attr("use_dotnet_isolated_runtime", true)]
        default: return [.attr("use_custom_runtime", true)]
        }
    }

    /// A Synapse workspace over a Data Lake Gen2 filesystem, Entra ID sign-in only, in a
    /// managed network that stops data exfiltration, and a dedicated SQL pool sized from
    /// the blueprint's `size`.
    func synapse(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let sizes = [
            "xsmall": "DW100c", "small": "DW200c", "medium": "DW500c", "large": "DW1000c", "xlarge": "DW1500c", "2xlarge": "DW3000c", "4xlarge": "DW6000c",
        ]
        var blocks = try storage(r, c, tags: tags, dataLake: true)
        blocks += [
            resource(
                "azurerm_synapse_workspace", n,
                [
                    .attr("name", Self.compactName(c.stack.name, n, limit: 50)), Self.groupName, Self.location,
                    .ref("storage_data_lake_gen2_filesystem_id", "azurerm_storage_data_lake_gen2_filesystem.\(n).id"),
                    .attr("azuread_authentication_only", true), .attr("public_network_access_enabled", false),
                    .attr("managed_virtual_network_enabled", true), .attr("data_exfiltration_protection_enabled", true),
                    .nested("identity", [.attr("type", "SystemAssigned")]), tags,
                ]),
            resource(
                "azurerm_synapse_sql_pool", n,
                [
                    .attr("name", Self.compactName(c.stack.name, n, limit: 60)), .ref("synapse_workspace_id", "azurerm_synapse_workspace.\(n).id"),
                    .attr("sku_name", sizes[r.string("size") ?? "small"] ?? "DW200c"), .attr("create_mode", "Default"),
                    .attr("storage_account_type", "GRS"), .attr("geo_backup_policy_enabled", true), .attr("data_encrypted", true), tags,
                ]),
        ]
        return blocks
    }
}
