import DharmaCore

/// The rest of Dharma's types on IBM Cloud: Code Engine apps and functions, IKS on VPC, VPC load
/// balancers, DNS Services and Cloud Internet Services, Cloud Object Storage, Cloudant, Secrets
/// Manager and IAM service IDs.
extension IBMTerraform {
    func serviceOutputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "compute.service": return ["id": "ibm_code_engine_app.\(n).id", "url": "ibm_code_engine_app.\(n).endpoint", "port": "\(r.int("port") ?? 8080)"]
        case "compute.function":
            return ["id": "ibm_code_engine_function.\(n).id", "url": "ibm_code_engine_function.\(n).endpoint", "arn": "ibm_code_engine_function.\(n).id"]
        case "compute.cluster":
            return [
                "id": "ibm_container_vpc_cluster.\(n).id", "endpoint": "ibm_container_vpc_cluster.\(n).private_service_endpoint_url",
                "kubeconfig": "ibm_container_vpc_cluster.\(n).id",
            ]
        case "network.loadbalancer": return ["id": "ibm_is_lb.\(n).id", "dnsName": "ibm_is_lb.\(n).hostname", "url": "ibm_is_lb.\(n).hostname"]
        case "network.dns":
            return r.bool("private")
                ? ["id": "ibm_dns_zone.\(n).zone_id", "nameServers": "ibm_dns_zone.\(n).name"]
                : ["id": "ibm_cis_domain.\(n).domain_id", "nameServers": "ibm_cis_domain.\(n).name_servers"]
        case "storage.bucket":
            return [
                "id": "ibm_cos_bucket.\(n).id", "name": "ibm_cos_bucket.\(n).bucket_name", "url": "ibm_cos_bucket.\(n).s3_endpoint_private",
                "arn": "ibm_cos_bucket.\(n).crn",
            ]
        case "database.nosql":
            return ["id": "ibm_cloudant.\(n).id", "endpoint": "ibm_cloudant.\(n).extensions.endpoints.private", "arn": "ibm_cloudant.\(n).crn"]
        case "security.secret":
            return ["id": "ibm_sm_arbitrary_secret.\(n).secret_id", "arn": "ibm_sm_arbitrary_secret.\(n).crn", "path": "ibm_sm_arbitrary_secret.\(n).name"]
        case "security.identity": return ["id": "ibm_iam_service_id.\(n).id", "arn": "ibm_iam_service_id.\(n).crn"]
        default: return [:]
        }
    }

    func serviceBlocks(for r: ExportResource, in c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let name = r.cloudName(c.stack.name)
        let group = HCLBlock.Item.ref("resource_group_id", "var.resource_group_id")
        switch r.type {
        case "compute.service", "compute.function":
            let project = resource("ibm_code_engine_project", n, [.attr("name", name), group])
            var environment: [HCLBlock.Item] = []
            for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
                environment.append(.nested("run_env_variables", [.attr("type", "literal"), .attr("name", key), .attr("value", try c.hcl(value))]))
            }
            if r.type == "compute.service" {
                let replicas = r.int("replicas") ?? 1
                return [
                    project,
                    resource(
                        "ibm_code_engine_app", n,
                        [
                            .ref("project_id", "ibm_code_engine_project.\(n).project_id"), .attr("name", name),
                            .attr("image_reference", try c.property(r, "image", .string("icr.io/codeengine/helloworld")) ?? .null),
                            .attr("image_port", r.int("port") ?? 8080), .attr("scale_min_instances", replicas),
                            .attr("scale_max_instances", max(replicas, 1) * 2),
                            .attr("scale_cpu_limit", String(r.number("cpu") ?? 1)),
                            .attr("scale_memory_limit", "\(max(1, (r.mebibytes("memory") ?? 4096) / 1024))G"),
                        ] + environment),
                ]
            }
            return [
                project,
                resource(
                    "ibm_code_engine_function", n,
                    [
                        .ref("project_id", "ibm_code_engine_project.\(n).project_id"), .attr("name", name),
                        .attr("runtime", r.string("runtime")?.hasPrefix("node") == true ? "nodejs-20" : "python-3.11"),
                        .attr(
                            "code_reference", .template([.string("data:text/plain;base64,"), .call("filebase64", [.string("\(r.string("source") ?? n).zip")])])),
                        .attr("code_main", r.string("handler")?.split(separator: ".").last.map(String.init) ?? "main"),
                        .attr("scale_max_execution_time", r.seconds("timeout") ?? 60),
                        .attr("scale_memory_limit", "\(max(1, (r.mebibytes("memory") ?? 1024) / 1024))G"),
                    ] + environment),
            ]
        case "compute.cluster":
            return [
                resource(
                    "ibm_container_vpc_cluster", n,
                    [
                        .attr("name", name), .ref("vpc_id", "var.vpc_id"), .attr("flavor", r.string("nodeSize") ?? "bx2.4x16"),
                        .attr("worker_count", r.int("nodes") ?? 3), .attr("kube_version", r.string("version") ?? "1.31"), group,
                        .attr("disable_public_service_endpoint", r.bool("privateEndpoint", default: true)),
                        .nested(
                            "zones", [.attr("subnet_id", try c.property(r, "subnet", .traversal("var.subnet_id")) ?? .null), .attr("name", "\(r.region)-1")]),
                        tags,
                    ])
            ]
        case "network.loadbalancer":
            let https = r.string("protocol") == "https"
            var listener: [HCLBlock.Item] = [
                .ref("lb", "ibm_is_lb.\(n).id"), .attr("port", r.int("port") ?? (https ? 443 : 80)), .attr("protocol", https ? "https" : "http"),
                .ref("default_pool", "ibm_is_lb_pool.\(n).pool_id"),
            ]
            if https { listener.append(.attr("certificate_instance", try c.property(r, "certificate", .traversal("var.certificate_crn")) ?? .null)) }
            return [
                resource(
                    "ibm_is_lb", n,
                    [
                        .attr("name", name), .attr("subnets", .list(try r.list("subnets").map { e throws(ExportError) in try c.hcl(e) })),
                        .attr("type", r.string("scheme") == "internet-facing" ? "public" : "private"), group, tags,
                    ]),
                resource(
                    "ibm_is_lb_pool", n,
                    [
                        .ref("lb", "ibm_is_lb.\(n).id"), .attr("name", "\(name)-pool"), .attr("algorithm", "round_robin"), .attr("protocol", "http"),
                        .attr("health_delay", 5), .attr("health_retries", 2), .attr("health_timeout", 2), .attr("health_type", "http"),
                        .attr("health_monitor_url", r.string("healthPath") ?? "/healthz"),
                    ]),
                resource("ibm_is_lb_listener", n, listener),
            ]
        case "network.dns":
            let zone = try c.hcl(r.expr("zone") ?? .value(.null))
            var blocks: [HCLBlock] = []
            if r.bool("private") {
                blocks += [
                    resource(
                        "ibm_resource_instance", "\(n)-dns",
                        [.attr("name", name), .attr("service", "dns-svcs"), .attr("plan", "standard-dns"), .attr("location", "global"), group, tags]),
                    resource(
                        "ibm_dns_zone", n,
                        [.ref("instance_id", "ibm_resource_instance.\(n)-dns.guid"), .attr("name", zone), .attr("description", "managed by Dharma")]),
                ]
            } else {
                blocks += [
                    resource("ibm_cis", "\(n)-cis", [.attr("name", name), .attr("plan", "standard-next"), .attr("location", "global"), group, tags]),
                    resource("ibm_cis_domain", n, [.ref("cis_id", "ibm_cis.\(n)-cis.id"), .attr("domain", zone)]),
                ]
            }
            for (index, record) in r.list("records").enumerated() {
                guard let fields = record.mapEntries else { continue }
                let ttl = Int(Units.seconds(fields["ttl"]?.resolved ?? .int(300)) ?? 300)
                for (valueIndex, value) in (fields["values"]?.listItems ?? []).enumerated() {
                    let label = "\(n)-\(index)-\(valueIndex)"
                    let type = try c.hcl(fields["type"] ?? .value(.null)), recordName = try c.hcl(fields["name"] ?? .value(.null))
                    blocks.append(
                        r.bool("private")
                            ? resource(
                                "ibm_dns_resource_record", label,
                                [
                                    .ref("instance_id", "ibm_resource_instance.\(n)-dns.guid"), .ref("zone_id", "ibm_dns_zone.\(n).zone_id"),
                                    .attr("type", type),
                                    .attr("name", recordName), .attr("rdata", try c.hcl(value)), .attr("ttl", ttl),
                                ])
                            : resource(
                                "ibm_cis_dns_record", label,
                                [
                                    .ref("cis_id", "ibm_cis.\(n)-cis.id"), .ref("domain_id", "ibm_cis_domain.\(n).domain_id"), .attr("type", type),
                                    .attr("name", recordName), .attr("content", try c.hcl(value)), .attr("ttl", ttl),
                                ]))
                }
            }
            return blocks
        case "storage.bucket":
            var bucket: [HCLBlock.Item] = [
                .attr("bucket_name", name), .ref("resource_instance_id", "ibm_resource_instance.\(n).id"), .attr("region_location", r.region),
                .attr("storage_class", "smart"), .ref("kms_key_crn", "var.kms_key_crn"),
                .nested("object_versioning", [.attr("enable", r.bool("versioning", default: true))]),
                .nested("activity_tracking", [.attr("read_data_events", true), .attr("write_data_events", true), .attr("management_events", true)]),
            ]
            if let days = r.int("retentionDays") {
                bucket.append(.nested("expire_rule", [.attr("rule_id", "expire"), .attr("enable", true), .attr("days", days)]))
            }
            return [
                resource(
                    "ibm_resource_instance", n,
                    [.attr("name", name), .attr("service", "cloud-object-storage"), .attr("plan", "standard"), .attr("location", "global"), group, tags]),
                resource("ibm_cos_bucket", n, bucket),
            ]
        case "database.nosql":
            return [
                resource(
                    "ibm_cloudant", n,
                    [
                        .attr("name", name), .attr("location", r.region), .attr("plan", r.string("billing") == "provisioned" ? "standard" : "lite"),
                        .attr("legacy_credentials", false), .attr("include_data_events", true), .attr("capacity", 1), group, tags,
                    ])
            ]
        case "security.secret":
            var blocks: [HCLBlock] = [
                resource(
                    "ibm_resource_instance", n,
                    [.attr("name", name), .attr("service", "secrets-manager"), .attr("plan", "standard"), .attr("location", r.region), group, tags])
            ]
            let payload: HCL
            if let value = r.expr("value") {
                payload = try c.hcl(value)
            } else {
                blocks.append(resource("random_password", n, [.attr("length", r.int("length") ?? 32), .attr("special", true)]))
                payload = .traversal("random_password.\(n).result")
            }
            blocks.append(
                resource(
                    "ibm_sm_arbitrary_secret", n,
                    [
                        .ref("instance_id", "ibm_resource_instance.\(n).guid"), .attr("region", r.region), .attr("name", name),
                        .attr("payload", payload), .attr("secret_group_id", "default"), .attr("description", "managed by Dharma"),
                    ]))
            return blocks
        case "security.identity":
            let actions = r.list("permissions").flatMap { ($0.mapEntries?["actions"]?.listItems ?? []).compactMap { $0.resolved?.stringValue?.lowercased() } }
            let role =
                actions.contains { $0.contains("*") || $0.contains("delete") }
                ? "Manager" : actions.contains { $0.contains("put") || $0.contains("write") } ? "Writer" : "Reader"
            return [
                resource("ibm_iam_service_id", n, [.attr("name", name), .attr("description", "managed by Dharma")]),
                resource(
                    "ibm_iam_service_policy", n,
                    [
                        .ref("iam_service_id", "ibm_iam_service_id.\(n).id"), .attr("roles", .strings([role])),
                        .nested("resources", [.ref("resource_group_id", "var.resource_group_id")]),
                    ]),
            ]
        default:
            throw .unsupported(r, "Terraform provider ibm", Array(supportedTypes))
        }
    }

    /// IBM places services in a resource group and VPC resources in a VPC; these become
    /// variables the operator fills in.
    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock] {
        let types = Set(resources.map(\.type))
        var names: [String: String] = [:]
        if !types.isDisjoint(with: [
            "compute.service", "compute.function", "compute.cluster", "network.loadbalancer", "network.dns", "storage.bucket",
            "database.nosql", "security.secret", "security.identity",
        ]) {
            names["resource_group_id"] = "ID of the resource group the stack's services go into"
        }
        if !types.isDisjoint(with: ["compute.cluster", "compute.vm"]) { names["vpc_id"] = "ID of the VPC the cluster and instances run in" }
        if resources.contains(where: { $0.type == "compute.cluster" && $0.expr("subnet") == nil }) {
            names["subnet_id"] = "ID of the subnet the cluster's workers run in"
        }
        if types.contains("storage.bucket") { names["kms_key_crn"] = "CRN of the Key Protect key that encrypts the buckets" }
        if resources.contains(where: { $0.type == "network.loadbalancer" && $0.string("protocol") == "https" && $0.expr("certificate") == nil }) {
            names["certificate_crn"] = "CRN of the Secrets Manager certificate HTTPS listeners present"
        }
        return names.sorted { $0.key < $1.key }.map { HCLBlock("variable", [$0.key], [.attr("description", $0.value), .ref("type", "string")]) }
    }
}
