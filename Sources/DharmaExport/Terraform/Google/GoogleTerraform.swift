import DharmaCore

/// Dharma's types on `hashicorp/google` 6.x. Data is encrypted with the stack's Cloud KMS key.
struct GoogleTerraform: TerraformProvider {
    let provider = ProviderName.gcp
    let localName = "google"
    let source = "hashicorp/google"
    let versionConstraint = "~> 6.12"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    static let kmsKey = "google_kms_crypto_key.dharma.id"

    func configuration(region: String, stack: ExportStack) -> [HCLBlock.Item] {
        [.attr("region", region)]
    }

    func outputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "network.vpc":
            return ["id": "google_compute_network.\(n).id", "name": "google_compute_network.\(n).name", "arn": "google_compute_network.\(n).self_link"]
        case "network.subnet": return ["id": "google_compute_subnetwork.\(n).id", "arn": "google_compute_subnetwork.\(n).self_link"]
        case "network.firewall": return ["id": "google_compute_firewall.\(n).id"]
        case "network.loadbalancer":
            return [
                "id": "google_compute_global_forwarding_rule.\(n).id", "dnsName": "google_compute_global_address.\(n).address",
                "url": "google_compute_global_address.\(n).address",
            ]
        case "network.dns": return ["id": "google_dns_managed_zone.\(n).id", "nameServers": "google_dns_managed_zone.\(n).name_servers"]
        case "storage.bucket":
            return [
                "id": "google_storage_bucket.\(n).id", "name": "google_storage_bucket.\(n).name", "url": "google_storage_bucket.\(n).url",
                "arn": "google_storage_bucket.\(n).self_link",
            ]
        case "storage.volume": return ["id": "google_compute_disk.\(n).id"]
        case "database.postgres", "database.mysql":
            return [
                "id": "google_sql_database_instance.\(n).id", "endpoint": "google_sql_database_instance.\(n).private_ip_address",
                "url": "google_sql_database_instance.\(n).connection_name", "port": r.type == "database.postgres" ? "5432" : "3306",
            ]
        case "cache.redis":
            return ["id": "google_redis_instance.\(n).id", "endpoint": "google_redis_instance.\(n).host", "port": "google_redis_instance.\(n).port"]
        case "queue.queue":
            return ["id": "google_pubsub_subscription.\(n).id", "arn": "google_pubsub_topic.\(n).id", "url": "google_pubsub_subscription.\(n).name"]
        case "queue.topic": return ["id": "google_pubsub_topic.\(n).id", "arn": "google_pubsub_topic.\(n).id"]
        case "data.warehouse": return ["id": "google_bigquery_dataset.\(n).id", "endpoint": "google_bigquery_dataset.\(n).self_link"]
        case "security.certificate": return ["id": "google_certificate_manager_certificate.\(n).id", "arn": "google_certificate_manager_certificate.\(n).id"]
        case "security.secret": return ["id": "google_secret_manager_secret.\(n).id", "arn": "google_secret_manager_secret.\(n).name"]
        case "security.identity":
            return ["id": "google_service_account.\(n).id", "arn": "google_service_account.\(n).email", "name": "google_service_account.\(n).email"]
        case "monitoring.alert": return ["id": "google_monitoring_alert_policy.\(n).id"]
        case "network.cdn": return ["id": "google_compute_backend_service.\(n).id", "domainName": "google_compute_global_address.\(n).address"]
        case "database.nosql":
            return ["id": "google_firestore_database.\(n).id", "endpoint": "google_firestore_database.\(n).name", "arn": "google_firestore_database.\(n).id"]
        case "compute.vm":
            return [
                "id": "google_compute_instance.\(n).id", "privateIp": "google_compute_instance.\(n).network_interface[0].network_ip",
                "publicIp": "google_compute_instance.\(n).network_interface[0].access_config[0].nat_ip",
            ]
        case "compute.service": return ["id": "google_cloud_run_v2_service.\(n).id", "url": "google_cloud_run_v2_service.\(n).uri"]
        case "compute.function":
            return [
                "id": "google_cloudfunctions2_function.\(n).id", "url": "google_cloudfunctions2_function.\(n).url",
                "arn": "google_cloudfunctions2_function.\(n).name",
            ]
        case "compute.cluster":
            return [
                "id": "google_container_cluster.\(n).id", "endpoint": "google_container_cluster.\(n).endpoint",
                "kubeconfig": "google_container_cluster.\(n).master_auth[0].cluster_ca_certificate",
            ]
        default: return [:]
        }
    }

    /// A reference to a VPC by self link, which subnetworks and firewalls want.
    func network(_ expr: Expr?, _ c: TerraformContext) throws(ExportError) -> HCL {
        if case .output(let resource, _, _)? = expr { return .traversal("google_compute_network.\(resource).id") }
        return try expr.map { (e: Expr) throws(ExportError) in try c.hcl(e) } ?? .string("default")
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let labels = HCLBlock.Item.attr("labels", c.labels(r))
        let name = HCLBlock.Item.attr("name", r.cloudName(c.stack.name))
        switch r.type {
        case "network.vpc":
            return [resource("google_compute_network", n, [name, .attr("auto_create_subnetworks", false), .attr("routing_mode", "REGIONAL")])]
        case "network.subnet":
            var items: [HCLBlock.Item] = [
                name, .attr("region", r.region), .attr("network", try network(r.expr("vpc"), c)),
                .attr("ip_cidr_range", try c.hcl(r.expr("cidr") ?? .value(.null))),
                .attr("private_ip_google_access", true),
            ]
            items.append(
                .nested(
                    "log_config",
                    [
                        .attr("aggregation_interval", "INTERVAL_5_SEC"), .attr("flow_sampling", .number(0.5)),
                        .attr("metadata", "INCLUDE_ALL_METADATA"),
                    ]))
            return [resource("google_compute_subnetwork", n, items)]
        case "network.firewall":
            var blocks: [HCLBlock] = []
            for (index, rule) in r.list("ingress").enumerated() {
                let fields = rule.mapEntries ?? [:]
                let ports = AWSTerraform.portRange(fields)
                let proto = fields["protocol"]?.resolved?.stringValue ?? "tcp"
                var allow: [HCLBlock.Item] = [.attr("protocol", proto)]
                if proto == "tcp" || proto == "udp" { allow.append(.attr("ports", .strings([ports.0 == ports.1 ? String(ports.0) : "\(ports.0)-\(ports.1)"]))) }
                blocks.append(
                    resource(
                        "google_compute_firewall", index == 0 ? n : "\(n)-\(index)",
                        [
                            .attr("name", r.cloudName(c.stack.name, limit: 58) + (index == 0 ? "" : "-\(index)")),
                            .attr("network", try network(r.expr("vpc"), c)), .attr("direction", "INGRESS"),
                            .attr("description", fields["description"]?.resolved?.stringValue ?? "managed by Dharma"),
                            .attr("source_ranges", try c.hcl(fields["from"] ?? .list([]))),
                            .nested("allow", allow), .nested("log_config", [.attr("metadata", "INCLUDE_ALL_METADATA")]),
                        ]))
            }
            if blocks.isEmpty {
                blocks.append(
                    resource(
                        "google_compute_firewall", n,
                        [
                            name, .attr("network", try network(r.expr("vpc"), c)), .attr("direction", "INGRESS"),
                            .attr("priority", 65_534), .nested("deny", [.attr("protocol", "all")]),
                            .attr("source_ranges", .strings(["0.0.0.0/0"])),
                            .nested("log_config", [.attr("metadata", "INCLUDE_ALL_METADATA")]),
                        ]))
            }
            return blocks
        case "network.loadbalancer":
            return try loadBalancer(r, c)
        case "network.dns":
            return [
                resource(
                    "google_dns_managed_zone", n,
                    [
                        name, .attr("dns_name", .template([try c.hcl(r.expr("zone") ?? .value(.null)), .string(".")])),
                        .attr("visibility", r.bool("private") ? "private" : "public"),
                        .nested(
                            "dnssec_config",
                            [
                                .attr("state", "on"),
                                .nested("default_key_specs", [.attr("algorithm", "rsasha256"), .attr("key_length", 2048), .attr("key_type", "keySigning")]),
                                .nested("default_key_specs", [.attr("algorithm", "rsasha256"), .attr("key_length", 1024), .attr("key_type", "zoneSigning")]),
                            ]),
                        labels,
                    ])
            ]
        case "storage.bucket":
            var items: [HCLBlock.Item] = [
                .attr("name", r.cloudName(c.stack.name)), .attr("location", r.region.uppercased()),
                .attr("uniform_bucket_level_access", true),
                .attr("public_access_prevention", r.bool("public") ? "inherited" : "enforced"),
                .attr("force_destroy", false),
                .nested("versioning", [.attr("enabled", r.bool("versioning", default: true))]),
                .nested("encryption", [.ref("default_kms_key_name", Self.kmsKey)]),
            ]
            if r.bool("accessLogs", default: true) {
                items.append(.nested("logging", [.ref("log_bucket", "google_storage_bucket.dharma-logs.name"), .attr("log_object_prefix", n)]))
            }
            if let days = r.int("retentionDays") {
                items.append(.nested("lifecycle_rule", [.nested("condition", [.attr("age", days)]), .nested("action", [.attr("type", "Delete")])]))
            }
            items.append(labels)
            return [resource("google_storage_bucket", n, items)]
        case "storage.volume":
            return [
                resource(
                    "google_compute_disk", n,
                    [
                        name, .attr("zone", r.string("zone") ?? "\(r.region)-b"),
                        .attr("size", r.gibibytes("size") ?? 20),
                        .attr("type", r.string("class") == "standard" ? "pd-standard" : "pd-ssd"),
                        .nested("disk_encryption_key", [.ref("kms_key_self_link", Self.kmsKey)]), labels,
                    ])
            ]
        case "database.postgres", "database.mysql":
            return try database(r, c)
        case "cache.redis":
            let replicas = r.int("replicas") ?? 1
            return [
                resource(
                    "google_redis_instance", n,
                    [
                        name, .attr("region", r.region),
                        .attr("tier", replicas > 0 ? "STANDARD_HA" : "BASIC"),
                        .attr("memory_size_gb", max(1, r.gibibytes("memory") ?? 1)),
                        .attr("redis_version", "REDIS_\((r.string("version") ?? "7.2").replacingOccurrences(of: ".", with: "_"))"),
                        .attr("auth_enabled", true),
                        .attr("transit_encryption_mode", r.bool("encryptionInTransit", default: true) ? "SERVER_AUTHENTICATION" : "DISABLED"),
                        .ref("customer_managed_key", Self.kmsKey),
                        .attr("replica_count", replicas > 0 ? replicas : 0),
                        .attr("read_replicas_mode", replicas > 0 ? "READ_REPLICAS_ENABLED" : "READ_REPLICAS_DISABLED"),
                        labels,
                    ])
            ]
        case "queue.queue":
            var subscription: [HCLBlock.Item] = [
                name, .ref("topic", "google_pubsub_topic.\(n).id"),
                .attr("ack_deadline_seconds", max(10, min(600, r.seconds("visibilityTimeout") ?? 30))),
                .attr("message_retention_duration", "\(min(604_800, r.seconds("retention") ?? 345_600))s"),
                .attr("enable_message_ordering", r.bool("fifo")),
            ]
            if let receives = r.int("deadLetterAfter") {
                subscription.append(
                    .nested(
                        "dead_letter_policy",
                        [
                            .ref("dead_letter_topic", "google_pubsub_topic.\(n)-dead-letter.id"),
                            .attr("max_delivery_attempts", max(5, min(100, receives))),
                        ]))
            }
            subscription.append(labels)
            var blocks = [
                resource("google_pubsub_topic", n, [name, .ref("kms_key_name", Self.kmsKey), labels]),
                resource("google_pubsub_subscription", n, subscription),
            ]
            if r.int("deadLetterAfter") != nil {
                blocks.append(
                    resource(
                        "google_pubsub_topic", "\(n)-dead-letter",
                        [
                            .attr("name", r.cloudName(c.stack.name) + "-dead-letter"),
                            .ref("kms_key_name", Self.kmsKey), labels,
                        ]))
            }
            return blocks
        case "queue.topic":
            return [resource("google_pubsub_topic", n, [name, .ref("kms_key_name", Self.kmsKey), labels])]
        case "data.warehouse":
            return [
                resource(
                    "google_bigquery_dataset", n,
                    [
                        .attr("dataset_id", r.cloudName(c.stack.name, limit: 1024).replacingOccurrences(of: "-", with: "_")),
                        .attr("location", r.region),
                        .attr("max_time_travel_hours", "\(max(48, min(168, (r.int("retentionDays") ?? 7) * 24)))"),
                        .nested("default_encryption_configuration", [.ref("kms_key_name", Self.kmsKey)]), labels,
                    ])
            ]
        case "security.certificate":
            return [
                resource(
                    "google_certificate_manager_certificate", n,
                    [
                        name, .attr("scope", "DEFAULT"),
                        .nested("managed", [.attr("domains", try c.hcl(r.expr("domains") ?? .list([])))]), labels,
                    ])
            ]
        case "security.secret":
            var items: [HCLBlock.Item] = [
                .attr("secret_id", r.cloudName(c.stack.name, limit: 255)),
                .nested("replication", [.nested("auto", [.nested("customer_managed_encryption", [.ref("kms_key_name", Self.kmsKey)])])]),
            ]
            if let rotation = r.seconds("rotation") {
                items.append(.nested("rotation", [.attr("rotation_period", "\(rotation)s"), .attr("next_rotation_time", "2027-01-01T00:00:00Z")]))
            }
            items.append(labels)
            return [resource("google_secret_manager_secret", n, items)]
        case "security.identity":
            return [
                resource(
                    "google_service_account", n,
                    [
                        .attr("account_id", r.cloudName(c.stack.name, limit: 30)),
                        .attr("display_name", "Dharma \(c.stack.name) \(n)"),
                    ])
            ]
        case "monitoring.alert":
            return [
                resource(
                    "google_monitoring_alert_policy", n,
                    [
                        .attr("display_name", r.cloudName(c.stack.name)), .attr("combiner", "OR"),
                        .nested(
                            "conditions",
                            [
                                .attr("display_name", "\(r.string("metric") ?? "metric") on \(r.string("resource") ?? n)"),
                                .nested(
                                    "condition_threshold",
                                    [
                                        .attr(
                                            "filter", "metric.type=\"custom.googleapis.com/dharma/\(r.string("metric") ?? "cpu")\" AND resource.type=\"global\""
                                        ),
                                        .attr(
                                            "comparison",
                                            ["<": "COMPARISON_LT", "<=": "COMPARISON_LE", ">=": "COMPARISON_GE"][r.string("condition") ?? ">"]
                                                ?? "COMPARISON_GT"),
                                        .attr("threshold_value", .number(r.number("threshold") ?? 0)),
                                        .attr("duration", "\(r.seconds("for") ?? 300)s"),
                                    ]),
                            ]),
                        .attr("user_labels", c.labels(r)),
                    ])
            ]
        case "compute.vm":
            return try virtualMachine(r, c)
        case "compute.service":
            return try cloudRun(r, c)
        case "compute.function":
            return try cloudFunction(r, c)
        case "compute.cluster":
            return try kubernetesEngine(r, c)
        case "network.cdn":
            return try contentDelivery(r, c)
        case "database.nosql":
            return firestore(r, c)
        default:
            throw .unsupported(r, "Terraform provider google", Array(supportedTypes))
        }
    }
}
