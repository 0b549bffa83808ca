extension TerraformAdapter {
    static let serviceMappings: [String: Mapping] = [
        "aws_subnet": { subnet, _ in ("network.subnet", ["public": flag(subnet["map_public_ip_on_launch"], default: false)]) },
        "aws_lb": { balancer, links in
            let listeners = links.companions(of: balancer, type: "aws_lb_listener")
            let https = listeners.contains { ["HTTPS", "TLS"].contains($0["protocol"]?.string ?? "") }
            let policy = listeners.compactMap { $0["ssl_policy"]?.string }.first ?? ""
            return (
                "network.loadbalancer",
                [
                    "public": TerraformAdapter.not(flag(balancer["internal"], default: false)),
                    "protocol": .string(https ? "https" : (listeners.first?["protocol"]?.string?.lowercased() ?? "http")),
                    "tlsPolicy": .string(
                        policy.contains("TLS13-1-3") ? "tls1.3" : policy.contains("TLS13") || policy.contains("TLS-1-2") ? "tls1.2" : "tls1.0"),
                    "accessLogs": flag(dig(balancer["access_logs"], "enabled"), default: balancer["access_logs"] != nil),
                    "deletionProtection": flag(balancer["enable_deletion_protection"], default: false),
                    "dropInvalidHeaders": flag(balancer["drop_invalid_header_fields"], default: false),
                    "waf": .bool(!links.companions(of: balancer, type: "aws_wafv2_web_acl_association").isEmpty),
                ]
            )
        },
        "aws_sqs_queue": { queue, _ in
            (
                "queue",
                [
                    "encrypted": .bool(queue["kms_master_key_id"] != nil || queue["sqs_managed_sse_enabled"]?.bool != false),
                    "encryptionKey": .string(queue["kms_master_key_id"] != nil ? "kms" : "provider"), "deadLetter": .bool(queue["redrive_policy"] != nil),
                ]
            )
        },
        "aws_sns_topic": { topic, _ in
            ("queue", ["encrypted": .bool(topic["kms_master_key_id"] != nil), "encryptionKey": .string(topic["kms_master_key_id"] != nil ? "kms" : "none")])
        },
        "aws_elasticache_replication_group": { cache, _ in
            (
                "cache.redis",
                [
                    "encryptionInTransit": flag(cache["transit_encryption_enabled"], default: false),
                    "encryptionAtRest": flag(cache["at_rest_encryption_enabled"], default: false), "authToken": .bool(cache["auth_token"] != nil),
                ]
            )
        },
        "aws_dynamodb_table": { table, _ in
            (
                "database.nosql",
                [
                    "pointInTimeRecovery": flag(dig(table["point_in_time_recovery"], "enabled"), default: false), "encrypted": .bool(true),
                    "encryptionKey": dig(table["server_side_encryption"], "kms_key_arn") != nil ? .string("kms") : .string("provider"),
                ]
            )
        },
        "aws_instance": { instance, _ in
            (
                "compute.vm",
                [
                    "imdsv2": .bool(dig(instance["metadata_options"], "http_tokens")?.string == "required"),
                    "encrypted": flag(dig(instance["root_block_device"], "encrypted"), default: false),
                    "publicIp": flag(instance["associate_public_ip_address"], default: false),
                    "monitoring": flag(instance["monitoring"], default: false),
                ]
            )
        },
        "aws_eks_cluster": { cluster, _ in
            (
                "compute.cluster",
                [
                    "privateEndpoint": TerraformAdapter.not(flag(dig(cluster["vpc_config"], "endpoint_public_access"), default: true)),
                    "secretsEncrypted": .bool(cluster["encryption_config"] != nil), "version": known(cluster["version"]),
                    "logging": .bool(!(cluster["enabled_cluster_log_types"]?.list ?? []).isEmpty),
                ]
            )
        },
        "aws_lambda_function": { function, _ in
            ("compute.function", ["runtime": known(function["runtime"]), "tracing": .bool(dig(function["tracing_config"], "mode")?.string == "Active")])
        },
        "aws_secretsmanager_secret": { secret, links in
            let rotation = links.companions(of: secret, type: "aws_secretsmanager_secret_rotation").first
            let days = dig(rotation?["rotation_rules"], "automatically_after_days")?.number
            return (
                "security.secret",
                [
                    "rotation": days.map { .number($0 * 86_400) } ?? .null,
                    "encryptionKey": .string(secret["kms_key_id"] != nil ? "kms" : "provider"),
                ]
            )
        },
        "aws_kms_key": { key, _ in ("security.key", ["rotation": flag(key["enable_key_rotation"], default: false)]) },
        "google_kms_crypto_key": { key, _ in
            let period = key["rotation_period"]?.string.flatMap { Double($0.dropLast()) }
            return ("security.key", ["rotation": .bool(period.map { $0 <= 90 * 86_400 } ?? false)])
        },
        "azurerm_key_vault_key": { key, _ in ("security.key", ["rotation": .bool(key["rotation_policy"] != nil)]) },
        "google_dns_managed_zone": { zone, _ in
            ("network.dns", ["dnssec": .bool(dig(zone["dnssec_config"], "state")?.string == "on" || zone["visibility"]?.string == "private")])
        },
        "aws_cloudfront_distribution": { distribution, _ in
            let policy = dig(distribution["default_cache_behavior"], "viewer_protocol_policy")?.string
            let minimum = dig(distribution["viewer_certificate"], "minimum_protocol_version")?.string ?? "TLSv1"
            return (
                "network.cdn",
                [
                    "httpsOnly": .bool(policy != nil && policy != "allow-all"), "waf": .bool(distribution["web_acl_id"] != nil),
                    "tlsPolicy": .string(minimum.hasPrefix("TLSv1.2") ? "tls1.2" : "tls1.0"),
                ]
            )
        },
        "google_sql_database_instance": { instance, _ in
            let settings = instance["settings"]
            return (
                "database",
                [
                    "encrypted": .bool(true),
                    "public": flag(dig(settings, "ip_configuration", "ipv4_enabled"), default: true),
                    "multiAz": .bool(dig(settings, "availability_type")?.string == "REGIONAL"),
                    "deletionProtection": flag(instance["deletion_protection"], default: true),
                    "backupRetentionDays": flag(dig(settings, "backup_configuration", "enabled"), default: false) == .bool(true)
                        ? (dig(settings, "backup_configuration", "backup_retention_settings", "retained_backups") ?? .number(7)) : .number(0),
                    "engine": .string((instance["database_version"]?.string ?? "").lowercased().hasPrefix("postgres") ? "postgres" : "mysql"),
                    "engineVersion": .string((instance["database_version"]?.string ?? "").split(separator: "_").dropFirst().joined(separator: ".")),
                    "flags": .map(
                        Dictionary(
                            (settings?.list?.first?["database_flags"]?.list ?? [])
                                .compactMap { flag -> (String, PolicyValue)? in flag["name"]?.string.map { ($0, flag["value"] ?? .null) } }
                        ) { first, _ in first }),
                    "tlsRequired": .bool(
                        ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"].contains(dig(settings, "ip_configuration", "ssl_mode")?.string ?? "")
                            || dig(settings, "ip_configuration", "require_ssl")?.bool == true),
                ]
            )
        },
        "google_compute_instance": { instance, _ in
            let metadata = instance["metadata"]
            return (
                "compute.vm",
                [
                    "publicIp": .bool((instance["network_interface"]?.list ?? []).contains { $0["access_config"] != nil }),
                    "encrypted": .bool(true), "imdsv2": .bool(metadata?["block-project-ssh-keys"]?.bool ?? false),
                    "shieldedVm": .bool(dig(instance["shielded_instance_config"], "enable_secure_boot")?.bool == true),
                    "serialPort": .bool(metadata?["serial-port-enable"]?.bool ?? false),
                    "osLogin": .bool(metadata?["enable-oslogin"]?.bool ?? false),
                ]
            )
        },
        "google_container_cluster": { cluster, _ in
            (
                "compute.cluster",
                [
                    "privateEndpoint": flag(dig(cluster["private_cluster_config"], "enable_private_endpoint"), default: false),
                    "secretsEncrypted": .bool(dig(cluster["database_encryption"], "state")?.string == "ENCRYPTED"),
                    "version": known(cluster["min_master_version"]),
                    "networkPolicy": flag(dig(cluster["network_policy"], "enabled"), default: false),
                ]
            )
        },
        "azurerm_postgresql_flexible_server": { server, _ in
            (
                "database",
                [
                    "encrypted": .bool(true), "public": flag(server["public_network_access_enabled"], default: true),
                    "multiAz": .bool(server["high_availability"] != nil), "deletionProtection": .bool(false),
                    "backupRetentionDays": known(server["backup_retention_days"] ?? .number(7)), "engine": .string("postgres"),
                    "engineVersion": known(server["version"]),
                ]
            )
        },
        "azurerm_kubernetes_cluster": { cluster, _ in
            (
                "compute.cluster",
                [
                    "privateEndpoint": flag(cluster["private_cluster_enabled"], default: false),
                    "secretsEncrypted": .bool(cluster["disk_encryption_set_id"] != nil), "version": known(cluster["kubernetes_version"]),
                ]
            )
        },
        "azurerm_redis_cache": { cache, _ in
            (
                "cache.redis",
                [
                    "encryptionInTransit": TerraformAdapter.not(flag(cache["non_ssl_port_enabled"] ?? cache["enable_non_ssl_port"], default: false)),
                    "encryptionAtRest": .bool(true), "authToken": .bool(true),
                ]
            )
        },
    ]
}
