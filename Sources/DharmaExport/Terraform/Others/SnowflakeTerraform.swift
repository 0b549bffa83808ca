import DharmaCore

/// Dharma's warehouse and roles on `Snowflake-Labs/snowflake` 1.x.
struct SnowflakeTerraform: TerraformProvider {
    let provider = ProviderName.snowflake
    let localName = "snowflake"
    let source = "Snowflake-Labs/snowflake"
    let versionConstraint = "~> 1.0"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    func outputs(of r: ExportResource) -> [String: String] {
        r.type == "data.warehouse"
            ? ["id": "snowflake_warehouse.\(r.name).id", "endpoint": "snowflake_warehouse.\(r.name).fully_qualified_name"]
            : ["id": "snowflake_account_role.\(r.name).id", "arn": "snowflake_account_role.\(r.name).fully_qualified_name"]
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let name = r.cloudName(c.stack.name).uppercased().replacingOccurrences(of: "-", with: "_")
        switch r.type {
        case "data.warehouse":
            return [
                resource(
                    "snowflake_warehouse", r.name,
                    [
                        .attr("name", name), .attr("warehouse_size", (r.string("size") ?? "small").uppercased()),
                        .attr("auto_suspend", r.seconds("autoSuspend") ?? 600), .attr("auto_resume", "true"),
                        .attr("initially_suspended", true), .attr("comment", "Dharma \(c.stack.name)/\(c.stack.environment)"),
                    ]),
                resource("snowflake_database", r.name, [.attr("name", name), .attr("data_retention_time_in_days", r.int("retentionDays") ?? 1)]),
            ]
        case "security.identity":
            return [resource("snowflake_account_role", r.name, [.attr("name", name), .attr("comment", "Dharma \(c.stack.name)")])]
        default:
            throw .unsupported(r, "Terraform provider snowflake", Array(supportedTypes))
        }
    }
}
