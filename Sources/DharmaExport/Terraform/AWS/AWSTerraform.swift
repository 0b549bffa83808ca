import DharmaCore

/// compute, network, storage and data types on `hashicorp/aws` 5.x.
struct AWSTerraform: TerraformProvider {
    let provider = ProviderName.aws
    let localName = "aws"
    let source = "hashicorp/aws"
    let versionConstraint = "~> 5.80"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    /// The stack's customer-managed key, the access-log bucket and the account lookup the
    /// secure defaults rely on.
    static let kmsKey = "aws_kms_key.dharma.arn"
    static let logBucket = "aws_s3_bucket.dharma-logs"

    func configuration(region: String, stack: ExportStack) -> [HCLBlock.Item] {
        [.attr("region", region)]
    }

    func outputs(of resource: ExportResource) -> [String: String] {
        let n = resource.name
        switch resource.type {
        case "network.vpc": return ["id": "aws_vpc.\(n).id", "arn": "aws_vpc.\(n).arn", "cidr": "aws_vpc.\(n).cidr_block"]
        case "network.subnet": return ["id": "aws_subnet.\(n).id", "arn": "aws_subnet.\(n).arn"]
        case "network.firewall": return ["id": "aws_security_group.\(n).id", "arn": "aws_security_group.\(n).arn"]
        case "network.loadbalancer":
            return ["id": "aws_lb.\(n).id", "arn": "aws_lb.\(n).arn", "dnsName": "aws_lb.\(n).dns_name", "url": "aws_lb.\(n).dns_name"]
        case "network.dns": return ["id": "aws_route53_zone.\(n).zone_id", "nameServers": "aws_route53_zone.\(n).name_servers"]
        case "network.cdn":
            return [
                "id": "aws_cloudfront_distribution.\(n).id", "arn": "aws_cloudfront_distribution.\(n).arn",
                "domainName": "aws_cloudfront_distribution.\(n).domain_name",
            ]
        case "storage.bucket":
            return [
                "id": "aws_s3_bucket.\(n).id", "arn": "aws_s3_bucket.\(n).arn", "name": "aws_s3_bucket.\(n).bucket",
                "url": "aws_s3_bucket.\(n).bucket_regional_domain_name",
            ]
        case "storage.volume": return ["id": "aws_ebs_volume.\(n).id", "arn": "aws_ebs_volume.\(n).arn"]
        case "database.postgres", "database.mysql":
            return [
                "id": "aws_db_instance.\(n).id", "arn": "aws_db_instance.\(n).arn", "endpoint": "aws_db_instance.\(n).address",
                "port": "aws_db_instance.\(n).port", "url": "aws_db_instance.\(n).endpoint",
            ]
        case "database.nosql": return ["id": "aws_dynamodb_table.\(n).id", "arn": "aws_dynamodb_table.\(n).arn", "endpoint": "aws_dynamodb_table.\(n).name"]
        case "cache.redis":
            return [
                "id": "aws_elasticache_replication_group.\(n).id", "arn": "aws_elasticache_replication_group.\(n).arn",
                "endpoint": "aws_elasticache_replication_group.\(n).primary_endpoint_address", "port": "aws_elasticache_replication_group.\(n).port",
            ]
        case "queue.queue": return ["id": "aws_sqs_queue.\(n).id", "arn": "aws_sqs_queue.\(n).arn", "url": "aws_sqs_queue.\(n).url"]
        case "queue.topic": return ["id": "aws_sns_topic.\(n).id", "arn": "aws_sns_topic.\(n).arn"]
        case "data.warehouse":
            return [
                "id": "aws_redshiftserverless_workgroup.\(n).id", "arn": "aws_redshiftserverless_workgroup.\(n).arn",
                "endpoint": "aws_redshiftserverless_workgroup.\(n).endpoint[0].address",
            ]
        case "security.certificate":
            return [
                "id": "aws_acm_certificate.\(n).id", "arn": "aws_acm_certificate.\(n).arn",
                "notAfter": "aws_acm_certificate.\(n).not_after",
            ]
        case "security.secret": return ["id": "aws_secretsmanager_secret.\(n).id", "arn": "aws_secretsmanager_secret.\(n).arn"]
        case "security.identity": return ["id": "aws_iam_role.\(n).id", "arn": "aws_iam_role.\(n).arn", "name": "aws_iam_role.\(n).name"]
        case "monitoring.alert": return ["id": "aws_cloudwatch_metric_alarm.\(n).id", "arn": "aws_cloudwatch_metric_alarm.\(n).arn"]
        case "compute.vm":
            return [
                "id": "aws_instance.\(n).id", "arn": "aws_instance.\(n).arn", "privateIp": "aws_instance.\(n).private_ip",
                "publicIp": "aws_instance.\(n).public_ip",
            ]
        case "compute.service":
            return [
                "id": "aws_ecs_service.\(n).id", "arn": "aws_ecs_service.\(n).id", "url": "aws_ecs_service.\(n).name",
                "port": "aws_lb_target_group.\(n).port",
            ]
        case "compute.function":
            return [
                "id": "aws_lambda_function.\(n).id", "arn": "aws_lambda_function.\(n).arn",
                "url": "aws_lambda_function_url.\(n).function_url",
            ]
        case "compute.cluster":
            return [
                "id": "aws_eks_cluster.\(n).id", "arn": "aws_eks_cluster.\(n).arn", "endpoint": "aws_eks_cluster.\(n).endpoint",
                "kubeconfig": "aws_eks_cluster.\(n).certificate_authority[0].data",
            ]
        default: return [:]
        }
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let tags = HCLBlock.Item.attr("tags", c.tags(r))
        let kms = HCLBlock.Item.ref("kms_key_id", Self.kmsKey)
        switch r.type {
        case "network.vpc":
            var blocks = [
                resource(
                    "aws_vpc", n,
                    [
                        .attr("cidr_block", try c.hcl(r.expr("cidr") ?? .value(.string("10.0.0.0/16")))),
                        .attr("enable_dns_hostnames", r.bool("dnsHostnames", default: true)),
                        .attr("enable_dns_support", true), tags,
                    ]),
                // The default security group of a new VPC allows traffic between its members; empty it.
                resource("aws_default_security_group", n, [.ref("vpc_id", "aws_vpc.\(n).id"), tags]),
            ]
            if r.bool("flowLogs", default: true) {
                blocks.append(
                    resource(
                        "aws_flow_log", n,
                        [
                            .ref("vpc_id", "aws_vpc.\(n).id"), .attr("traffic_type", "ALL"),
                            .attr("log_destination_type", "s3"), .ref("log_destination", "\(Self.logBucket).arn"), tags,
                        ]))
            }
            return blocks
        case "network.subnet":
            return [
                resource(
                    "aws_subnet", n,
                    [
                        .attr("vpc_id", try c.hcl(r.expr("vpc") ?? .value(.null))),
                        .attr("cidr_block", try c.hcl(r.expr("cidr") ?? .value(.null))),
                    ] + (r.string("zone").map { [.attr("availability_zone", $0)] } ?? []) + [
                        .attr("map_public_ip_on_launch", r.bool("public")), tags,
                    ])
            ]
        case "network.firewall":
            var items: [HCLBlock.Item] = [.attr("name", r.cloudName(c.stack.name)), .attr("description", "Managed by Dharma: \(n)")]
            if let vpc = r.expr("vpc") { items.append(.attr("vpc_id", try c.hcl(vpc))) }
            for rule in r.list("ingress") {
                items.append(.nested("ingress", try securityRule(rule, direction: "from", c)))
            }
            for rule in r.list("egress") {
                items.append(.nested("egress", try securityRule(rule, direction: "to", c)))
            }
            items.append(tags)
            return [resource("aws_security_group", n, items)]
        case "network.loadbalancer":
            return try loadBalancer(r, c)
        case "network.dns":
            var blocks = [resource("aws_route53_zone", n, [.attr("name", try c.hcl(r.expr("zone") ?? .value(.null))), tags])]
            for (index, record) in r.list("records").enumerated() {
                guard let fields = record.mapEntries else { continue }
                blocks.append(
                    resource(
                        "aws_route53_record", "\(n)-\(index)",
                        [
                            .ref("zone_id", "aws_route53_zone.\(n).zone_id"),
                            .attr("name", try c.hcl(fields["name"] ?? .value(.null))),
                            .attr("type", try c.hcl(fields["type"] ?? .value(.null))),
                            .attr("ttl", .int(Int(Units.seconds(fields["ttl"]?.resolved ?? .int(300)) ?? 300))),
                            .attr("records", try c.hcl(fields["values"] ?? .list([]))),
                        ]))
            }
            return blocks
        case "storage.bucket":
            return try bucket(r, c, name: n, tags: tags)
        case "storage.volume":
            return [
                resource(
                    "aws_ebs_volume", n,
                    [
                        .attr("availability_zone", r.string("zone") ?? "\(r.region)a"),
                        .attr("size", r.gibibytes("size") ?? 20),
                        .attr("type", Self.volumeType(r.string("class"))),
                        .attr("encrypted", true), kms, tags,
                    ])
            ]
        case "database.postgres", "database.mysql":
            return try database(r, c, tags: tags)
        case "database.nosql":
            var items: [HCLBlock.Item] = [
                .attr("name", r.cloudName(c.stack.name, limit: 255)),
                .attr("billing_mode", r.string("billing") == "provisioned" ? "PROVISIONED" : "PAY_PER_REQUEST"),
                .attr("hash_key", r.string("partitionKey") ?? "id"),
            ]
            if let sort = r.string("sortKey") { items.append(.attr("range_key", sort)) }
            if r.string("billing") == "provisioned" {
                items += [.attr("read_capacity", r.int("readCapacity") ?? 5), .attr("write_capacity", r.int("writeCapacity") ?? 5)]
            }
            items.append(.nested("attribute", [.attr("name", r.string("partitionKey") ?? "id"), .attr("type", "S")]))
            if let sort = r.string("sortKey") { items.append(.nested("attribute", [.attr("name", sort), .attr("type", "S")])) }
            items.append(.nested("point_in_time_recovery", [.attr("enabled", r.bool("pointInTimeRecovery", default: true))]))
            items.append(.nested("server_side_encryption", [.attr("enabled", true), .ref("kms_key_arn", Self.kmsKey)]))
            if let ttl = r.string("ttlAttribute") { items.append(.nested("ttl", [.attr("attribute_name", ttl), .attr("enabled", true)])) }
            items.append(tags)
            return [resource("aws_dynamodb_table", n, items)]
        case "cache.redis":
            let replicas = r.int("replicas") ?? 1
            return [
                HCLBlock("resource", ["random_password", n], [.attr("length", 32), .attr("special", false)]),
                resource(
                    "aws_elasticache_replication_group", n,
                    [
                        .attr("replication_group_id", r.cloudName(c.stack.name, limit: 40)),
                        .attr("description", "Dharma cache \(n) of \(c.stack.name)"),
                        .attr("engine", "redis"),
                        .attr("engine_version", r.string("version") ?? "7.1"),
                        .attr("node_type", r.string("size") ?? Self.cacheNode(mebibytes: r.mebibytes("memory") ?? 1024)),
                        .attr("num_cache_clusters", replicas + 1),
                        .attr("automatic_failover_enabled", replicas > 0),
                        .attr("multi_az_enabled", replicas > 0),
                        .attr("at_rest_encryption_enabled", true), kms,
                        .attr("transit_encryption_enabled", true),
                        .ref("auth_token", "random_password.\(n).result"),
                        .attr("snapshot_retention_limit", 7),
                        .attr("auto_minor_version_upgrade", true), tags,
                    ]),
            ]
        case "queue.queue":
            var blocks: [HCLBlock] = []
            var items: [HCLBlock.Item] = [
                .attr("name", r.cloudName(c.stack.name, limit: 75) + (r.bool("fifo") ? ".fifo" : "")),
                .attr("fifo_queue", r.bool("fifo")),
                .attr("visibility_timeout_seconds", r.seconds("visibilityTimeout") ?? 30),
                .attr("message_retention_seconds", r.seconds("retention") ?? 345_600),
                .ref("kms_master_key_id", Self.kmsKey),
            ]
            if let receives = r.int("deadLetterAfter") {
                blocks.append(
                    resource(
                        "aws_sqs_queue", "\(n)-dlq",
                        [
                            .attr("name", r.cloudName(c.stack.name, limit: 70) + "-dlq" + (r.bool("fifo") ? ".fifo" : "")),
                            .attr("fifo_queue", r.bool("fifo")), .attr("message_retention_seconds", 1_209_600),
                            .ref("kms_master_key_id", Self.kmsKey), tags,
                        ]))
                items.append(
                    .attr(
                        "redrive_policy",
                        .call(
                            "jsonencode",
                            [
                                .object([
                                    ("deadLetterTargetArn", .traversal("aws_sqs_queue.\(n)-dlq.arn")), ("maxReceiveCount", .int(receives)),
                                ])
                            ])))
            }
            items.append(tags)
            return [resource("aws_sqs_queue", n, items)] + blocks
        case "queue.topic":
            var blocks = [
                resource(
                    "aws_sns_topic", n,
                    [
                        .attr("name", r.cloudName(c.stack.name, limit: 250) + (r.bool("fifo") ? ".fifo" : "")),
                        .attr("fifo_topic", r.bool("fifo")), .ref("kms_master_key_id", Self.kmsKey), tags,
                    ])
            ]
            for (index, subscriber) in r.list("subscribers").enumerated() {
                blocks.append(
                    resource(
                        "aws_sns_topic_subscription", "\(n)-\(index)",
                        [
                            .ref("topic_arn", "aws_sns_topic.\(n).arn"), .attr("protocol", "sqs"), .attr("endpoint", try c.hcl(subscriber)),
                        ]))
            }
            return blocks
        case "data.warehouse":
            return [
                resource(
                    "aws_redshiftserverless_namespace", n,
                    [
                        .attr("namespace_name", r.cloudName(c.stack.name)), .ref("kms_key_id", Self.kmsKey),
                        .attr("log_exports", .strings(["userlog", "connectionlog", "useractivitylog"])), tags,
                    ]),
                resource(
                    "aws_redshiftserverless_workgroup", n,
                    [
                        .ref("namespace_name", "aws_redshiftserverless_namespace.\(n).namespace_name"),
                        .attr("workgroup_name", r.cloudName(c.stack.name)),
                        .attr("base_capacity", Self.redshiftCapacity(r.string("size"))),
                        .attr("publicly_accessible", false), tags,
                    ]),
            ]
        case "security.certificate":
            return [
                resource(
                    "aws_acm_certificate", n,
                    [
                        .attr("domain_name", .string(r.value("domains")?.listValue?.first?.stringValue ?? "")),
                        .attr("subject_alternative_names", .list(Array((r.value("domains")?.listValue ?? []).dropFirst().map { .string($0.interpolated) }))),
                        .attr("validation_method", r.string("validation") == "email" ? "EMAIL" : "DNS"),
                        .attr("key_algorithm", Self.certificateKey(r.string("keyAlgorithm"))),
                        .nested("options", [.attr("certificate_transparency_logging_preference", "ENABLED")]),
                        .nested("lifecycle", [.attr("create_before_destroy", true)]), tags,
                    ])
            ]
        case "security.secret":
            var blocks = [
                resource(
                    "aws_secretsmanager_secret", n,
                    [
                        .attr("name", r.cloudName(c.stack.name, limit: 512)), .ref("kms_key_id", Self.kmsKey),
                        .attr("recovery_window_in_days", 7), tags,
                    ])
            ]
            if let rotation = r.seconds("rotation") {
                blocks[0].items.insert(.attr("description", "rotate every \(max(1, rotation / 86_400)) days"), at: 1)
            }
            return blocks
        case "security.identity":
            return try identity(r, c, tags: tags)
        case "monitoring.alert":
            return [
                resource(
                    "aws_cloudwatch_metric_alarm", n,
                    [
                        .attr("alarm_name", r.cloudName(c.stack.name, limit: 255)),
                        .attr("namespace", "Dharma/\(c.stack.name)"),
                        .attr("metric_name", r.string("metric") ?? "cpu"),
                        .attr("comparison_operator", Self.comparison(r.string("condition"))),
                        .attr("threshold", .number(r.number("threshold") ?? 0)),
                        .attr("statistic", "Average"), .attr("period", 60),
                        .attr("evaluation_periods", max(1, (r.seconds("for") ?? 300) / 60)),
                        .attr("dimensions", .sortedObject(["resource": .string(r.string("resource") ?? n)])),
                        .attr("alarm_description", "\(r.string("severity") ?? "warning"): \(r.string("metric") ?? "") on \(r.string("resource") ?? n)"),
                        tags,
                    ])
            ]
        case "compute.vm":
            return try virtualMachine(r, c, tags: tags)
        case "compute.service":
            return try containerService(r, c, tags: tags)
        case "compute.function":
            return try function(r, c, tags: tags)
        case "compute.cluster":
            return try kubernetesCluster(r, c, tags: tags)
        case "network.cdn":
            return try contentDelivery(r, c, tags: tags)
        default:
            throw .unsupported(r, "Terraform provider aws", Array(supportedTypes))
        }
    }
}
