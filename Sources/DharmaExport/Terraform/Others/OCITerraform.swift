import DharmaCore

/// Dharma's types on `oracle/oci` 6.x; every resource goes into `var.compartment_id`.
struct OCITerraform: TerraformProvider {
    let provider = ProviderName.oracle
    let localName = "oci"
    let source = "oracle/oci"
    let versionConstraint = "~> 6.18"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    static let compartment = HCLBlock.Item.ref("compartment_id", "var.compartment_id")

    func configuration(region: String, stack: ExportStack) -> [HCLBlock.Item] { [.attr("region", region)] }

    func outputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "network.vpc": return ["id": "oci_core_vcn.\(n).id"]
        case "network.subnet": return ["id": "oci_core_subnet.\(n).id"]
        case "storage.bucket": return ["id": "oci_objectstorage_bucket.\(n).id", "name": "oci_objectstorage_bucket.\(n).name"]
        case "storage.volume": return ["id": "oci_core_volume.\(n).id"]
        case "database.mysql":
            return [
                "id": "oci_mysql_mysql_db_system.\(n).id", "endpoint": "oci_mysql_mysql_db_system.\(n).ip_address",
                "port": "oci_mysql_mysql_db_system.\(n).port", "url": "oci_mysql_mysql_db_system.\(n).ip_address",
            ]
        case "compute.vm":
            return ["id": "oci_core_instance.\(n).id", "privateIp": "oci_core_instance.\(n).private_ip", "publicIp": "oci_core_instance.\(n).public_ip"]
        default: return serviceOutputs(of: r)
        }
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let display = HCLBlock.Item.attr("display_name", r.cloudName(c.stack.name))
        let tags = HCLBlock.Item.attr("freeform_tags", c.tags(r))
        switch r.type {
        case "network.vpc":
            return [resource("oci_core_vcn", n, [Self.compartment, display, .attr("cidr_blocks", .list([try c.hcl(r.expr("cidr") ?? .value(.null))])), tags])]
        case "network.subnet":
            return [
                resource(
                    "oci_core_subnet", n,
                    [
                        Self.compartment, display, .attr("vcn_id", try c.hcl(r.expr("vpc") ?? .value(.null))),
                        .attr("cidr_block", try c.hcl(r.expr("cidr") ?? .value(.null))),
                        .attr("prohibit_public_ip_on_vnic", !r.bool("public")), tags,
                    ])
            ]
        case "storage.bucket":
            return [
                resource(
                    "oci_objectstorage_bucket", n,
                    [
                        Self.compartment, .attr("name", r.cloudName(c.stack.name)), .ref("namespace", "var.object_storage_namespace"),
                        .attr("access_type", r.bool("public") ? "ObjectRead" : "NoPublicAccess"),
                        .attr("versioning", r.bool("versioning", default: true) ? "Enabled" : "Disabled"),
                        .attr("object_events_enabled", true), tags,
                    ])
            ]
        case "storage.volume":
            return [
                resource(
                    "oci_core_volume", n,
                    [
                        Self.compartment, display, .ref("availability_domain", "var.availability_domain"),
                        .attr("size_in_gbs", max(50, r.gibibytes("size") ?? 50)), tags,
                    ])
            ]
        case "database.mysql":
            return [
                resource(
                    "oci_mysql_mysql_db_system", n,
                    [
                        Self.compartment, display, .ref("availability_domain", "var.availability_domain"),
                        .attr("shape_name", r.string("size") ?? "MySQL.2"),
                        .attr("subnet_id", try c.first(r, "subnets")),
                        .attr("data_storage_size_in_gb", max(50, r.gibibytes("storage") ?? 50)),
                        .attr("is_highly_available", r.bool("highAvailability")),
                        .nested(
                            "backup_policy",
                            [.attr("is_enabled", true), .attr("retention_in_days", max(1, (r.seconds("backupRetention") ?? 604_800) / 86_400))]),
                        tags,
                    ])
            ]
        case "compute.vm":
            return [
                resource(
                    "oci_core_instance", n,
                    [
                        Self.compartment, display, .ref("availability_domain", "var.availability_domain"),
                        .attr("shape", r.string("size") ?? "VM.Standard.E5.Flex"),
                        .nested(
                            "shape_config",
                            [
                                .attr("ocpus", max(1, Int(((r.number("cpu") ?? 2) / 2).rounded(.up)))),
                                .attr("memory_in_gbs", max(1, (r.mebibytes("memory") ?? 4096) / 1024)),
                            ]),
                        .nested(
                            "create_vnic_details",
                            [
                                .attr("subnet_id", try c.property(r, "subnet", .null) ?? .null),
                                .attr("assign_public_ip", r.bool("publicIp")),
                            ]),
                        .nested("source_details", [.attr("source_type", "image"), .ref("source_id", "var.image_id")]),
                        .nested("instance_options", [.attr("are_legacy_imds_endpoints_disabled", true)]),
                        .attr("is_pv_encryption_in_transit_enabled", true), tags,
                    ])
            ]
        default:
            return try serviceBlocks(for: r, in: c, display: display, tags: tags)
        }
    }

    /// OCI needs the compartment (and for some types an availability domain, image and
    /// namespace) named; these become variables the operator fills in.
    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock] {
        guard !resources.isEmpty else { return [] }
        var names = ["compartment_id": "OCID of the compartment the stack lives in"]
        let types = Set(resources.map(\.type))
        if !types.isDisjoint(with: ["storage.volume", "database.mysql", "compute.vm"]) {
            names["availability_domain"] = "availability domain, e.g. Uocm:EU-FRANKFURT-1-AD-1"
        }
        if !types.isDisjoint(with: ["compute.vm", "compute.cluster"]) { names["image_id"] = "OCID of the boot image" }
        if !types.isDisjoint(with: ["compute.service", "compute.function", "cache.redis", "compute.cluster"]) {
            names["subnet_id"] = "OCID of the subnet for containers, functions, caches and cluster endpoints"
        }
        if types.contains("compute.cluster") { names["vcn_id"] = "OCID of the VCN the cluster runs in" }
        if !types.isDisjoint(with: ["queue.queue", "security.secret"]) {
            names["kms_key_id"] = "OCID of the Vault master key that encrypts queues and secrets"
        }
        if types.contains("security.secret") { names["vault_id"] = "OCID of the Vault that holds the secrets" }
        if types.contains("security.identity") { names["tenancy_id"] = "OCID of the tenancy (dynamic groups live at its root)" }
        if types.contains("compute.function") { names["function_image"] = "OCIR image of the function, e.g. fra.ocir.io/TENANCY/fn:1" }
        if types.contains("network.loadbalancer"), resources.contains(where: { $0.string("protocol") == "https" && $0.expr("certificate") == nil }) {
            names["certificate_id"] = "OCID of the certificate HTTPS listeners present"
        }
        if !types.isDisjoint(with: ["compute.service"]) { names["availability_domain"] = "availability domain, e.g. Uocm:EU-FRANKFURT-1-AD-1" }
        if types.contains("storage.bucket") { names["object_storage_namespace"] = "the tenancy's Object Storage namespace" }
        return names.sorted { $0.key < $1.key }.map { HCLBlock("variable", [$0.key], [.attr("description", $0.value), .ref("type", "string")]) }
    }
}
