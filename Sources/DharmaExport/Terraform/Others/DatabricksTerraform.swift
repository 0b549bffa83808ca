import DharmaCore

/// Dharma's warehouse, secrets and identities on `databricks/databricks` 1.x.
struct DatabricksTerraform: TerraformProvider {
    let provider = ProviderName.databricks
    let localName = "databricks"
    let source = "databricks/databricks"
    let versionConstraint = "~> 1.60"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    func outputs(of r: ExportResource) -> [String: String] {
        switch r.type {
        case "data.warehouse": return ["id": "databricks_sql_endpoint.\(r.name).id", "endpoint": "databricks_sql_endpoint.\(r.name).jdbc_url"]
        case "security.secret": return ["id": "databricks_secret.\(r.name).id", "arn": "databricks_secret.\(r.name).config_reference"]
        default: return ["id": "databricks_service_principal.\(r.name).id", "arn": "databricks_service_principal.\(r.name).application_id"]
        }
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        switch r.type {
        case "data.warehouse":
            let sizes = [
                "xsmall": "2X-Small", "small": "Small", "medium": "Medium", "large": "Large", "xlarge": "X-Large", "2xlarge": "2X-Large", "4xlarge": "4X-Large",
            ]
            return [
                resource(
                    "databricks_sql_endpoint", r.name,
                    [
                        .attr("name", r.cloudName(c.stack.name)), .attr("cluster_size", sizes[r.string("size") ?? "small"] ?? "Small"),
                        .attr("auto_stop_mins", max(1, (r.seconds("autoSuspend") ?? 600) / 60)),
                        .attr("enable_serverless_compute", true),
                    ])
            ]
        case "security.secret":
            return [
                HCLBlock("resource", ["random_password", r.name], [.attr("length", r.int("length") ?? 32), .attr("special", false)]),
                resource("databricks_secret_scope", r.name, [.attr("name", r.cloudName(c.stack.name))]),
                resource(
                    "databricks_secret", r.name,
                    [
                        .attr("key", r.name), .ref("string_value", "random_password.\(r.name).result"),
                        .ref("scope", "databricks_secret_scope.\(r.name).id"),
                    ]),
            ]
        case "security.identity":
            return [resource("databricks_service_principal", r.name, [.attr("display_name", r.cloudName(c.stack.name))])]
        default:
            throw .unsupported(r, "Terraform provider databricks", Array(supportedTypes))
        }
    }
}
