import DharmaCore

extension GoogleTerraform {
    /// An external HTTPS load balancer: address, managed TLS policy (1.2+ MODERN or 1.3-only
    /// RESTRICTED), URL map, proxy, forwarding rule, health-checked backend with logging.
    func loadBalancer(_ r: ExportResource, _ c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let base = r.cloudName(c.stack.name, limit: 50)
        var proxy: [HCLBlock.Item] = [
            .attr("name", base), .ref("url_map", "google_compute_url_map.\(n).id"), .ref("ssl_policy", "google_compute_ssl_policy.\(n).id"),
        ]
        if let certificate = r.expr("certificate") {
            proxy.append(.attr("certificate_map", .template([.string("//certificatemanager.googleapis.com/"), try c.hcl(certificate)])))
        }
        return [
            resource("google_compute_global_address", n, [.attr("name", base)]),
            resource(
                "google_compute_health_check", n,
                [
                    .attr("name", base), .nested("https_health_check", [.attr("port", 443), .attr("request_path", r.string("healthPath") ?? "/healthz")]),
                    .nested("log_config", [.attr("enable", true)]),
                ]),
            resource(
                "google_compute_backend_service", n,
                [
                    .attr("name", base), .attr("protocol", "HTTPS"), .attr("load_balancing_scheme", "EXTERNAL_MANAGED"),
                    .attr("health_checks", .list([.traversal("google_compute_health_check.\(n).id")])),
                    .nested("log_config", [.attr("enable", r.bool("accessLogs", default: true)), .attr("sample_rate", .number(1))]),
                ]),
            resource("google_compute_url_map", n, [.attr("name", base), .ref("default_service", "google_compute_backend_service.\(n).id")]),
            resource(
                "google_compute_ssl_policy", n,
                [
                    .attr("name", base), .attr("profile", r.string("tlsPolicy") == "tls1.3" ? "RESTRICTED" : "MODERN"),
                    .attr("min_tls_version", r.string("tlsPolicy") == "tls1.3" ? "TLS_1_2" : "TLS_1_2"),
                ]),
            resource("google_compute_target_https_proxy", n, proxy),
            resource(
                "google_compute_global_forwarding_rule", n,
                [
                    .attr("name", base), .ref("target", "google_compute_target_https_proxy.\(n).id"),
                    .ref("ip_address", "google_compute_global_address.\(n).id"),
                    .attr("port_range", String(r.int("port") ?? 443)),
                    .attr("load_balancing_scheme", "EXTERNAL_MANAGED"),
                ]),
        ]
    }

    /// Cloud SQL on private IP only, TLS required, backups with point-in-time recovery, and
    /// the logging flags CIS asks for.
    func database(_ r: ExportResource, _ c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let postgres = r.type == "database.postgres"
        let version = postgres ? "POSTGRES_\(r.string("version") ?? "16")" : "MYSQL_\((r.string("version") ?? "8.0").replacingOccurrences(of: ".", with: "_"))"
        let flags: [(String, String)] =
            postgres
            ? [
                ("log_checkpoints", "on"), ("log_connections", "on"), ("log_disconnections", "on"), ("log_lock_waits", "on"),
                ("log_min_messages", "error"), ("log_duration", "on"), ("log_temp_files", "0"), ("log_min_duration_statement", "-1"),
                ("cloudsql.enable_pgaudit", "on"), ("log_statement", "ddl"), ("log_min_error_statement", "error"), ("log_hostname", "on"),
            ]
            : [("local_infile", "off"), ("skip_show_database", "on")]
        var ip: [HCLBlock.Item] = [.attr("ipv4_enabled", r.bool("public")), .attr("ssl_mode", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")]
        if let network = r.list("subnets").first, case .output(let subnet, _, _) = network,
            case .output(let vpc, _, _)? = c.stack.resource(named: subnet)?.expr("vpc")
        {
            ip.append(.ref("private_network", "google_compute_network.\(vpc).id"))
        }
        let cpu = max(1, Int((r.number("cpu") ?? 2).rounded(.up)))
        let memory = max(3840, r.mebibytes("memory") ?? 7680)
        return [
            HCLBlock("resource", ["random_password", n], [.attr("length", 32), .attr("special", false)]),
            resource(
                "google_sql_database_instance", n,
                [
                    .attr("name", r.cloudName(c.stack.name, limit: 80)), .attr("region", r.region), .attr("database_version", version),
                    .attr("deletion_protection", r.bool("deletionProtection", default: true)),
                    .ref("encryption_key_name", Self.kmsKey),
                    .nested(
                        "settings",
                        [
                            .attr("tier", r.string("size") ?? "db-custom-\(cpu)-\(memory)"),
                            .attr("availability_type", r.bool("highAvailability") ? "REGIONAL" : "ZONAL"),
                            .attr("disk_size", r.gibibytes("storage") ?? 20), .attr("disk_autoresize", true),
                            .attr("user_labels", c.labels(r)),
                            .nested("ip_configuration", ip),
                            .nested(
                                "backup_configuration",
                                [
                                    .attr("enabled", true), .attr(postgres ? "point_in_time_recovery_enabled" : "binary_log_enabled", true),
                                    .nested(
                                        "backup_retention_settings", [.attr("retained_backups", max(1, (r.seconds("backupRetention") ?? 604_800) / 86_400))]),
                                ]),
                        ] + flags.map { .nested("database_flags", [.attr("name", $0.0), .attr("value", $0.1)]) }),
                ]),
            resource(
                "google_sql_user", n,
                [
                    .attr("name", try c.property(r, "username", .string("dharma")) ?? .string("dharma")),
                    .ref("instance", "google_sql_database_instance.\(n).name"), .ref("password", "random_password.\(n).result"),
                ]),
        ]
    }

    /// A Shielded VM with OS Login, no serial port, no project-wide SSH keys, a CMEK boot disk.
    func virtualMachine(_ r: ExportResource, _ c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        var interface: [HCLBlock.Item] = []
        if let subnet = r.expr("subnet") { interface.append(.attr("subnetwork", try c.hcl(subnet))) }
        if r.bool("publicIp") { interface.append(.nested("access_config", [])) }
        var items: [HCLBlock.Item] = [
            .attr("name", r.cloudName(c.stack.name)), .attr("zone", r.string("zone") ?? "\(r.region)-b"),
            .attr("machine_type", r.string("size") ?? InstanceSizing.gcp(cpu: r.number("cpu") ?? 2, mebibytes: r.mebibytes("memory") ?? 4096)),
            .attr("can_ip_forward", false),
            .nested(
                "boot_disk",
                [
                    .ref("kms_key_self_link", Self.kmsKey),
                    .nested(
                        "initialize_params",
                        [
                            .attr("image", r.string("image") ?? "ubuntu-os-cloud/ubuntu-2404-lts-amd64"),
                            .attr("size", r.gibibytes("disk") ?? 20),
                        ]),
                ]),
            .nested("network_interface", interface),
            .attr(
                "metadata",
                .sortedObject(["block-project-ssh-keys": .string("true"), "enable-oslogin": .string("TRUE"), "serial-port-enable": .string("false")])),
            .nested("shielded_instance_config", [.attr("enable_secure_boot", true), .attr("enable_vtpm", true), .attr("enable_integrity_monitoring", true)]),
            .nested("service_account", [.ref("email", "google_service_account.dharma.email"), .attr("scopes", .strings(["cloud-platform"]))]),
        ]
        if r.bool("spot") {
            items.append(.nested("scheduling", [.attr("provisioning_model", "SPOT"), .attr("preemptible", true), .attr("automatic_restart", false)]))
        }
        items.append(.attr("labels", c.labels(r)))
        return [resource("google_compute_instance", r.name, items)]
    }

    /// Cloud Run (v2) reachable only through the load balancer, running as the stack's service account.
    func cloudRun(_ r: ExportResource, _ c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        var container: [HCLBlock.Item] = [.attr("image", try c.property(r, "image", .string("us-docker.pkg.dev/cloudrun/container/hello")) ?? .null)]
        for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
            container.append(.nested("env", [.attr("name", key), .attr("value", try c.hcl(value))]))
        }
        container.append(
            .nested(
                "resources",
                [
                    .attr(
                        "limits",
                        .sortedObject([
                            "cpu": .string(String(max(1, Int((r.number("cpu") ?? 1).rounded(.up))))),
                            "memory": .string("\(max(512, r.mebibytes("memory") ?? 512))Mi"),
                        ]))
                ]))
        let replicas = try c.property(r, "replicas", .int(1)) ?? .int(1)
        return [
            resource(
                "google_cloud_run_v2_service", r.name,
                [
                    .attr("name", r.cloudName(c.stack.name)), .attr("location", r.region),
                    .attr("ingress", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"), .attr("deletion_protection", true),
                    .nested(
                        "template",
                        [
                            .ref("service_account", "google_service_account.dharma.email"), .ref("encryption_key", Self.kmsKey),
                            .nested("scaling", [.attribute("min_instance_count", replicas), .attribute("max_instance_count", replicas)]),
                            .nested("containers", container),
                        ]),
                    .attr("labels", c.labels(r)),
                ])
        ]
    }

    func cloudFunction(_ r: ExportResource, _ c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        var environment: [String: HCL] = [:]
        for (key, value) in r.map("env") { environment[key] = try c.hcl(value) }
        return [
            resource(
                "google_cloudfunctions2_function", r.name,
                [
                    .attr("name", r.cloudName(c.stack.name)), .attr("location", r.region), .ref("kms_key_name", Self.kmsKey),
                    .nested(
                        "build_config",
                        [
                            .attr("runtime", (r.string("runtime") ?? "python312").replacingOccurrences(of: ".", with: "")),
                            .attr("entry_point", r.string("handler") ?? "handle"),
                            .nested(
                                "source",
                                [
                                    .nested(
                                        "storage_source",
                                        [
                                            .ref("bucket", "google_storage_bucket.dharma-logs.name"),
                                            .attr("object", "\(r.string("source") ?? r.name).zip"),
                                        ])
                                ]),
                        ]),
                    .nested(
                        "service_config",
                        [
                            .attr("available_memory", "\(r.mebibytes("memory") ?? 256)Mi"), .attr("timeout_seconds", r.seconds("timeout") ?? 60),
                            .attr("ingress_settings", "ALLOW_INTERNAL_ONLY"), .attr("all_traffic_on_latest_revision", true),
                            .ref("service_account_email", "google_service_account.dharma.email"),
                            .attr("environment_variables", .sortedObject(environment)),
                        ]),
                    .attr("labels", c.labels(r)),
                ])
        ]
    }

    /// GKE with private nodes, Workload Identity, Shielded Nodes, network policy and secrets encrypted by the stack key.
    func kubernetesEngine(_ r: ExportResource, _ c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        var items: [HCLBlock.Item] = [
            .attr("name", r.cloudName(c.stack.name, limit: 40)), .attr("location", r.region),
            .attr("min_master_version", r.string("version") ?? "1.31"),
            .attr("enable_shielded_nodes", true), .attr("enable_intranode_visibility", true), .attr("deletion_protection", true),
            .attr("initial_node_count", r.int("nodes") ?? 3), .attr("resource_labels", c.labels(r)),
        ]
        if let subnet = r.expr("subnet") { items.append(.attr("subnetwork", try c.hcl(subnet))) }
        items += [
            .nested(
                "private_cluster_config",
                [
                    .attr("enable_private_nodes", true), .attr("enable_private_endpoint", r.bool("privateEndpoint", default: true)),
                    .attr("master_ipv4_cidr_block", "172.16.0.0/28"),
                ]),
            .nested("master_authorized_networks_config", []),
            .nested("ip_allocation_policy", []),
            .nested("network_policy", [.attr("enabled", true)]),
            .nested(
                "workload_identity_config",
                [.attr("workload_pool", .template([.traversal("data.google_client_config.current.project"), .string(".svc.id.goog")]))]),
            .nested("database_encryption", [.attr("state", "ENCRYPTED"), .ref("key_name", Self.kmsKey)]),
            .nested("release_channel", [.attr("channel", "REGULAR")]),
            .nested("binary_authorization", [.attr("evaluation_mode", "PROJECT_SINGLETON_POLICY_ENFORCE")]),
            .nested(
                "node_config",
                [
                    .attr("machine_type", r.string("nodeSize") ?? "e2-standard-4"), .attr("image_type", "COS_CONTAINERD"),
                    .ref("service_account", "google_service_account.dharma.email"),
                    .nested("shielded_instance_config", [.attr("enable_secure_boot", true), .attr("enable_integrity_monitoring", true)]),
                    .nested("workload_metadata_config", [.attr("mode", "GKE_METADATA")]),
                    .attr("metadata", .sortedObject(["disable-legacy-endpoints": .string("true")])),
                ]),
        ]
        return [resource("google_container_cluster", r.name, items)]
    }

    /// The key ring and key that encrypt the stack's data, the log bucket, and the service
    /// account workloads run as.
    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock] {
        guard !resources.isEmpty else { return [] }
        let base = "\(stack.name)-\(stack.environment)".lowercased()
        var blocks = [
            HCLBlock("data", ["google_client_config", "current"]),
            resource("google_kms_key_ring", "dharma", [.attr("name", base), .attr("location", region)]),
            resource(
                "google_kms_crypto_key", "dharma",
                [
                    .attr("name", "dharma"), .ref("key_ring", "google_kms_key_ring.dharma.id"),
                    .attr("rotation_period", "7776000s"), .nested("lifecycle", [.attr("prevent_destroy", true)]),
                ]),
            resource(
                "google_service_account", "dharma",
                [
                    .attr("account_id", String("dharma-\(base)".prefix(30))),
                    .attr("display_name", "Dharma workloads of \(stack.name)/\(stack.environment)"),
                ]),
        ]
        let needsLogs = resources.contains { ($0.type == "storage.bucket" && $0.bool("accessLogs", default: true)) || $0.type == "compute.function" }
        if needsLogs {
            blocks.append(
                resource(
                    "google_storage_bucket", "dharma-logs",
                    [
                        .attr("name", "\(base)-logs"), .attr("location", region.uppercased()), .attr("uniform_bucket_level_access", true),
                        .attr("public_access_prevention", "enforced"), .nested("versioning", [.attr("enabled", true)]),
                        .nested("encryption", [.ref("default_kms_key_name", Self.kmsKey)]),
                        .nested("lifecycle_rule", [.nested("condition", [.attr("age", 365)]), .nested("action", [.attr("type", "Delete")])]),
                    ]))
        }
        return blocks
    }
}
