import DharmaCore

extension AWSTerraform {
    /// An IAM role with an inline policy made from the blueprint's statements.
    func identity(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let principals = r.value("assumedBy")?.listValue?.compactMap(\.stringValue) ?? ["ecs-tasks.amazonaws.com"]
        var statements: [HCL] = []
        for statement in r.list("permissions") {
            let fields = statement.mapEntries ?? [:]
            statements.append(
                .object([
                    ("Effect", .string(fields["effect"]?.resolved?.stringValue == "deny" ? "Deny" : "Allow")),
                    ("Action", try c.hcl(fields["actions"] ?? .list([]))),
                    ("Resource", try c.hcl(fields["resources"] ?? .list([]))),
                ]))
        }
        var assume: [(String, HCL)] = [
            ("Effect", .string("Allow")), ("Action", .string("sts:AssumeRole")),
            ("Principal", .object([("Service", .strings(principals))])),
        ]
        if r.bool("mfa") {
            assume.append(("Condition", .object([("Bool", .object([("aws:MultiFactorAuthPresent", .string("true"))]))])))
        }
        var blocks = [
            resource(
                "aws_iam_role", n,
                [
                    .attr("name_prefix", r.cloudName(c.stack.name, limit: 32) + "-"),
                    .attr("assume_role_policy", .call("jsonencode", [.object([("Version", .string("2012-10-17")), ("Statement", .list([.object(assume)]))])])),
                    tags,
                ])
        ]
        if !statements.isEmpty {
            blocks.append(
                resource(
                    "aws_iam_role_policy", n,
                    [
                        .ref("role", "aws_iam_role.\(n).id"),
                        .attr("policy", .call("jsonencode", [.object([("Version", .string("2012-10-17")), ("Statement", .list(statements))])])),
                    ]))
        }
        return blocks
    }

    /// Stack-wide blocks the secure defaults refer to, emitted once when any AWS resource needs them.
    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock] {
        guard !resources.isEmpty else { return [] }
        let types = Set(resources.map(\.type))
        let tags = HCLBlock.Item.attr(
            "tags",
            .sortedObject(
                [
                    "stack": .string(stack.name), "environment": .string(stack.environment), "managed-by": .string("dharma"),
                ].merging(stack.owner.map { ["owner": HCL.string($0)] } ?? [:]) { first, _ in first }))
        var blocks: [HCLBlock] = [
            HCLBlock("data", ["aws_caller_identity", "current"]),
            resource(
                "aws_kms_key", "dharma",
                [
                    .attr("description", "Dharma stack \(stack.name)/\(stack.environment)"),
                    .attr("enable_key_rotation", true), .attr("deletion_window_in_days", 30),
                    .attr(
                        "policy",
                        .call(
                            "jsonencode",
                            [
                                .object([
                                    ("Version", .string("2012-10-17")),
                                    (
                                        "Statement",
                                        .list([
                                            .object([
                                                ("Sid", .string("AccountAdministers")), ("Effect", .string("Allow")),
                                                (
                                                    "Principal",
                                                    .object([
                                                        (
                                                            "AWS",
                                                            .template([
                                                                .string("arn:aws:iam::"), .traversal("data.aws_caller_identity.current.account_id"),
                                                                .string(":root"),
                                                            ])
                                                        )
                                                    ])
                                                ),
                                                ("Action", .string("kms:*")), ("Resource", .string("*")),
                                            ]),
                                            .object([
                                                ("Sid", .string("ServicesEncrypt")), ("Effect", .string("Allow")),
                                                (
                                                    "Principal",
                                                    .object([
                                                        (
                                                            "Service",
                                                            .strings([
                                                                "logs.amazonaws.com", "delivery.logs.amazonaws.com", "sns.amazonaws.com", "sqs.amazonaws.com",
                                                            ])
                                                        )
                                                    ])
                                                ),
                                                (
                                                    "Action",
                                                    .strings(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"])
                                                ),
                                                ("Resource", .string("*")),
                                            ]),
                                        ])
                                    ),
                                ])
                            ])),
                    tags,
                ]),
        ]
        let needsLogs = resources.contains { r in
            (r.type == "network.vpc" && r.bool("flowLogs", default: true)) || r.type == "network.loadbalancer" || r.type == "network.cdn"
                || (r.type == "storage.bucket" && r.bool("accessLogs", default: true))
        }
        if needsLogs { blocks += logBucket(stack: stack, tags: tags) }
        if types.contains("database.postgres") || types.contains("database.mysql") {
            blocks.append(
                resource(
                    "aws_iam_role", "dharma-rds-monitoring",
                    [
                        .attr("name_prefix", "\(stack.name)-rds-monitoring-".prefix(32).description),
                        .attr(
                            "assume_role_policy",
                            .call(
                                "jsonencode",
                                [
                                    .object([
                                        ("Version", .string("2012-10-17")),
                                        (
                                            "Statement",
                                            .list([
                                                .object([
                                                    ("Effect", .string("Allow")), ("Action", .string("sts:AssumeRole")),
                                                    ("Principal", .object([("Service", .string("monitoring.rds.amazonaws.com"))])),
                                                ])
                                            ])
                                        ),
                                    ])
                                ])), tags,
                    ]))
            blocks.append(
                resource(
                    "aws_iam_role_policy_attachment", "dharma-rds-monitoring",
                    [
                        .ref("role", "aws_iam_role.dharma-rds-monitoring.name"),
                        .attr("policy_arn", "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"),
                    ]))
        }
        if resources.contains(where: { $0.type == "network.loadbalancer" && $0.string("scheme") == "internet-facing" }) {
            blocks += webACL(stack: stack, tags: tags)
        }
        return blocks
    }

    /// Access logs of every bucket, load balancer and VPC of the stack. ELB log delivery
    /// only writes to SSE-S3 buckets, so this one bucket uses AES256 rather than the KMS key.
    private func logBucket(stack: ExportStack, tags: HCLBlock.Item) -> [HCLBlock] {
        let n = "dharma-logs"
        return [
            resource("aws_s3_bucket", n, [.attr("bucket_prefix", "\(stack.name)-\(stack.environment)-logs-".lowercased()), tags]),
            resource(
                "aws_s3_bucket_ownership_controls", n,
                [
                    .ref("bucket", "aws_s3_bucket.\(n).id"),
                    .nested("rule", [.attr("object_ownership", "BucketOwnerEnforced")]),
                ]),
            resource(
                "aws_s3_bucket_public_access_block", n,
                [
                    .ref("bucket", "aws_s3_bucket.\(n).id"), .attr("block_public_acls", true), .attr("ignore_public_acls", true),
                    .attr("block_public_policy", true), .attr("restrict_public_buckets", true),
                ]),
            resource(
                "aws_s3_bucket_versioning", n,
                [
                    .ref("bucket", "aws_s3_bucket.\(n).id"),
                    .nested("versioning_configuration", [.attr("status", "Enabled")]),
                ]),
            resource(
                "aws_s3_bucket_server_side_encryption_configuration", n,
                [
                    .ref("bucket", "aws_s3_bucket.\(n).id"),
                    .nested("rule", [.nested("apply_server_side_encryption_by_default", [.attr("sse_algorithm", "AES256")])]),
                ]),
            resource(
                "aws_s3_bucket_lifecycle_configuration", n,
                [
                    .ref("bucket", "aws_s3_bucket.\(n).id"),
                    .nested(
                        "rule",
                        [
                            .attr("id", "expire-logs"), .attr("status", "Enabled"), .nested("filter", []),
                            .nested("expiration", [.attr("days", 365)]), .nested("noncurrent_version_expiration", [.attr("noncurrent_days", 30)]),
                            .nested("abort_incomplete_multipart_upload", [.attr("days_after_initiation", 7)]),
                        ]),
                ]),
            resource("aws_s3_bucket_notification", n, [.ref("bucket", "aws_s3_bucket.\(n).id"), .attr("eventbridge", true)]),
            resource(
                "aws_s3_bucket_policy", n,
                [
                    .ref("bucket", "aws_s3_bucket.\(n).id"),
                    .attr(
                        "policy",
                        .call(
                            "jsonencode",
                            [
                                .object([
                                    ("Version", .string("2012-10-17")),
                                    (
                                        "Statement",
                                        .list([
                                            .object([
                                                ("Sid", .string("LogDelivery")), ("Effect", .string("Allow")),
                                                (
                                                    "Principal",
                                                    .object([
                                                        (
                                                            "Service",
                                                            .strings([
                                                                "delivery.logs.amazonaws.com", "logdelivery.elasticloadbalancing.amazonaws.com",
                                                                "logging.s3.amazonaws.com",
                                                            ])
                                                        )
                                                    ])
                                                ),
                                                ("Action", .string("s3:PutObject")),
                                                ("Resource", .template([.traversal("aws_s3_bucket.\(n).arn"), .string("/*")])),
                                            ]),
                                            .object([
                                                ("Sid", .string("TLSOnly")), ("Effect", .string("Deny")), ("Principal", .string("*")),
                                                ("Action", .string("s3:*")),
                                                (
                                                    "Resource",
                                                    .list([
                                                        .traversal("aws_s3_bucket.\(n).arn"), .template([.traversal("aws_s3_bucket.\(n).arn"), .string("/*")]),
                                                    ])
                                                ),
                                                ("Condition", .object([("Bool", .object([("aws:SecureTransport", .string("false"))]))])),
                                            ]),
                                        ])
                                    ),
                                ])
                            ])),
                ]),
        ]
    }

    /// AWS managed rules (common, known bad inputs incl. Log4Shell) in front of public load balancers.
    private func webACL(stack: ExportStack, tags: HCLBlock.Item) -> [HCLBlock] {
        func managed(_ name: String, priority: Int) -> HCLBlock.Item {
            .nested(
                "rule",
                [
                    .attr("name", name), .attr("priority", priority),
                    .nested("override_action", [.nested("none", [])]),
                    .nested("statement", [.nested("managed_rule_group_statement", [.attr("name", name), .attr("vendor_name", "AWS")])]),
                    .nested(
                        "visibility_config", [.attr("cloudwatch_metrics_enabled", true), .attr("metric_name", name), .attr("sampled_requests_enabled", true)]),
                ])
        }
        return [
            resource(
                "aws_wafv2_web_acl", "dharma",
                [
                    .attr("name", "\(stack.name)-\(stack.environment)"), .attr("scope", "REGIONAL"),
                    .nested("default_action", [.nested("allow", [])]),
                    managed("AWSManagedRulesCommonRuleSet", priority: 1),
                    managed("AWSManagedRulesKnownBadInputsRuleSet", priority: 2),
                    managed("AWSManagedRulesAnonymousIpList", priority: 3),
                    .nested(
                        "visibility_config",
                        [.attr("cloudwatch_metrics_enabled", true), .attr("metric_name", "\(stack.name)-waf"), .attr("sampled_requests_enabled", true)]),
                    tags,
                ]),
            resource(
                "aws_cloudwatch_log_group", "dharma-waf",
                [
                    .attr("name", "aws-waf-logs-\(stack.name)-\(stack.environment)"), .attr("retention_in_days", 365),
                    .ref("kms_key_id", Self.kmsKey), tags,
                ]),
            resource(
                "aws_wafv2_web_acl_logging_configuration", "dharma",
                [
                    .attr("log_destination_configs", .list([.traversal("aws_cloudwatch_log_group.dharma-waf.arn")])),
                    .ref("resource_arn", "aws_wafv2_web_acl.dharma.arn"),
                ]),
        ]
    }
}
