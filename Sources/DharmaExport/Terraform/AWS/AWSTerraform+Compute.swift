import DharmaCore

extension AWSTerraform {
    /// An EC2 instance with IMDSv2, an encrypted root disk, detailed monitoring and EBS optimisation.
    func virtualMachine(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        var items: [HCLBlock.Item] = [
            .attr("ami", r.string("image") ?? "ubuntu-24.04"),
            .attr("instance_type", r.string("size") ?? InstanceSizing.aws(cpu: r.number("cpu") ?? 2, mebibytes: r.mebibytes("memory") ?? 4096)),
            .attr("associate_public_ip_address", r.bool("publicIp")),
            .attr("monitoring", true), .attr("ebs_optimized", true),
        ]
        if let subnet = r.expr("subnet") { items.append(.attr("subnet_id", try c.hcl(subnet))) }
        if let zone = r.string("zone") { items.append(.attr("availability_zone", zone)) }
        if let userData = r.expr("userData") { items.append(.attr("user_data", try c.hcl(userData))) }
        items.append(.nested("metadata_options", [.attr("http_endpoint", "enabled"), .attr("http_tokens", "required")]))
        items.append(
            .nested(
                "root_block_device",
                [
                    .attr("volume_size", r.gibibytes("disk") ?? 20), .attr("volume_type", "gp3"),
                    .attr("encrypted", true), .ref("kms_key_id", Self.kmsKey),
                ]))
        if r.bool("spot") {
            items.append(.nested("instance_market_options", [.attr("market_type", "spot")]))
        }
        items.append(tags)
        return [resource("aws_instance", r.name, items)]
    }

    /// An ECS Fargate service: cluster with Container Insights, task definition with a
    /// read-only root file system, logs to an encrypted log group, private networking.
    func containerService(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let cpuUnits = Self.fargateCPU(r.number("cpu") ?? 0.25)
        let memory = max(Self.fargateMinimumMemory(cpuUnits), r.mebibytes("memory") ?? 512)
        var environment: [HCL] = []
        for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
            environment.append(.object([("name", .string(key)), ("value", try c.hcl(value))]))
        }
        let container: HCL = .object([
            ("name", .string(n)),
            ("image", try c.property(r, "image", .string("public.ecr.aws/docker/library/nginx:stable")) ?? .null),
            ("essential", .bool(true)),
            ("readonlyRootFilesystem", .bool(true)),
            ("portMappings", .list([.object([("containerPort", .int(r.int("port") ?? 8080)), ("protocol", .string("tcp"))])])),
            ("environment", .list(environment)),
            (
                "logConfiguration",
                .object([
                    ("logDriver", .string("awslogs")),
                    (
                        "options",
                        .object([
                            ("awslogs-group", .traversal("aws_cloudwatch_log_group.\(n).name")),
                            ("awslogs-region", .string(r.region)), ("awslogs-stream-prefix", .string(n)),
                        ])
                    ),
                ])
            ),
        ])
        let assumeTasks: HCL = .call(
            "jsonencode",
            [
                .object([
                    ("Version", .string("2012-10-17")),
                    (
                        "Statement",
                        .list([
                            .object([
                                ("Effect", .string("Allow")), ("Action", .string("sts:AssumeRole")),
                                ("Principal", .object([("Service", .string("ecs-tasks.amazonaws.com"))])),
                            ])
                        ])
                    ),
                ])
            ])
        return [
            resource(
                "aws_ecs_cluster", n,
                [
                    .attr("name", r.cloudName(c.stack.name, limit: 255)),
                    .nested("setting", [.attr("name", "containerInsights"), .attr("value", "enabled")]), tags,
                ]),
            resource(
                "aws_cloudwatch_log_group", n,
                [
                    .attr("name", "/dharma/\(c.stack.name)/\(n)"), .attr("retention_in_days", 365),
                    .ref("kms_key_id", Self.kmsKey), tags,
                ]),
            resource(
                "aws_iam_role", "\(n)-execution",
                [
                    .attr("name_prefix", r.cloudName(c.stack.name, limit: 22) + "-exec-"),
                    .attr("assume_role_policy", assumeTasks), tags,
                ]),
            resource(
                "aws_iam_role_policy_attachment", "\(n)-execution",
                [
                    .ref("role", "aws_iam_role.\(n)-execution.name"),
                    .attr("policy_arn", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
                ]),
            resource(
                "aws_iam_role", "\(n)-task",
                [
                    .attr("name_prefix", r.cloudName(c.stack.name, limit: 22) + "-task-"),
                    .attr("assume_role_policy", assumeTasks), tags,
                ]),
            resource(
                "aws_ecs_task_definition", n,
                [
                    .attr("family", r.cloudName(c.stack.name, limit: 255)),
                    .attr("requires_compatibilities", .strings(["FARGATE"])),
                    .attr("network_mode", "awsvpc"),
                    .attr("cpu", String(cpuUnits)), .attr("memory", String(memory)),
                    .ref("execution_role_arn", "aws_iam_role.\(n)-execution.arn"),
                    .ref("task_role_arn", "aws_iam_role.\(n)-task.arn"),
                    .attr("container_definitions", .call("jsonencode", [.list([container])])), tags,
                ]),
            resource(
                "aws_lb_target_group", n,
                [
                    .attr("name", r.cloudName(c.stack.name, limit: 32)), .attr("port", r.int("port") ?? 8080),
                    .attr("protocol", "HTTPS"), .attr("target_type", "ip"),
                    .nested("health_check", [.attr("path", r.value("health")?.mapValue?["http"]?.stringValue ?? "/healthz")]), tags,
                ]),
            resource(
                "aws_ecs_service", n,
                [
                    .attr("name", r.cloudName(c.stack.name, limit: 255)),
                    .ref("cluster", "aws_ecs_cluster.\(n).id"),
                    .ref("task_definition", "aws_ecs_task_definition.\(n).arn"),
                    .attr("desired_count", try c.property(r, "replicas", .int(1)) ?? .int(1)),
                    .attr("launch_type", "FARGATE"),
                    .nested("network_configuration", [.attr("assign_public_ip", false), .attr("subnets", .list([]))]),
                    tags,
                ]),
        ]
    }

    static func fargateCPU(_ cores: Double) -> Int {
        [256, 512, 1024, 2048, 4096, 8192, 16_384].first { Double($0) >= cores * 1024 } ?? 16_384
    }

    static func fargateMinimumMemory(_ cpuUnits: Int) -> Int {
        [256: 512, 512: 1024, 1024: 2048, 2048: 4096, 4096: 8192, 8192: 16_384][cpuUnits] ?? 32_768
    }

    /// A Lambda function with X-Ray tracing, a dead-letter-free async config, encrypted env and a code-signing-free URL with IAM auth.
    func function(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        var environment: [String: HCL] = [:]
        for (key, value) in r.map("env") { environment[key] = try c.hcl(value) }
        var items: [HCLBlock.Item] = [
            .attr("function_name", r.cloudName(c.stack.name, limit: 64)),
            .ref("role", "aws_iam_role.\(n).arn"),
            .attr("runtime", r.string("runtime") ?? "python3.12"),
            .attr("handler", r.string("handler") ?? "main.handler"),
            .attr("filename", "\(r.string("source") ?? n).zip"),
            .attr("memory_size", r.mebibytes("memory") ?? 256),
            .attr("timeout", r.seconds("timeout") ?? 30),
            .ref("kms_key_arn", Self.kmsKey),
            .attr("reserved_concurrent_executions", r.int("concurrency") ?? 100),
            .nested("tracing_config", [.attr("mode", "Active")]),
        ]
        if !environment.isEmpty { items.append(.nested("environment", [.attr("variables", .sortedObject(environment))])) }
        items.append(tags)
        return [
            resource(
                "aws_iam_role", n,
                [
                    .attr("name_prefix", r.cloudName(c.stack.name, limit: 32) + "-"),
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
                                                ("Principal", .object([("Service", .string("lambda.amazonaws.com"))])),
                                            ])
                                        ])
                                    ),
                                ])
                            ])), tags,
                ]),
            resource("aws_lambda_function", n, items),
            resource("aws_lambda_function_url", n, [.ref("function_name", "aws_lambda_function.\(n).function_name"), .attr("authorization_type", "AWS_IAM")]),
        ]
    }

    /// EKS with a private API endpoint, secrets envelope-encrypted by the stack key, control-plane logs.
    func kubernetesCluster(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let nodes = r.int("nodes") ?? 3
        return [
            resource(
                "aws_iam_role", n,
                [
                    .attr("name_prefix", r.cloudName(c.stack.name, limit: 32) + "-"),
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
                                                ("Principal", .object([("Service", .string("eks.amazonaws.com"))])),
                                            ])
                                        ])
                                    ),
                                ])
                            ])), tags,
                ]),
            resource(
                "aws_eks_cluster", n,
                [
                    .attr("name", r.cloudName(c.stack.name, limit: 100)),
                    .ref("role_arn", "aws_iam_role.\(n).arn"),
                    .attr("version", r.string("version") ?? "1.31"),
                    .attr("enabled_cluster_log_types", .strings(["api", "audit", "authenticator", "controllerManager", "scheduler"])),
                    .nested(
                        "vpc_config",
                        [
                            .attr("subnet_ids", try c.listOfOne(r, "subnet")),
                            .attr("endpoint_private_access", true),
                            .attr("endpoint_public_access", !r.bool("privateEndpoint", default: true)),
                        ]),
                    .nested("encryption_config", [.attr("resources", .strings(["secrets"])), .nested("provider", [.ref("key_arn", Self.kmsKey)])]),
                    tags,
                ]),
            resource(
                "aws_eks_node_group", n,
                [
                    .ref("cluster_name", "aws_eks_cluster.\(n).name"),
                    .attr("node_group_name", "default"),
                    .ref("node_role_arn", "aws_iam_role.\(n).arn"),
                    .attr("subnet_ids", try c.listOfOne(r, "subnet")),
                    .attr("instance_types", .strings([r.string("nodeSize") ?? "m6i.large"])),
                    .nested(
                        "scaling_config",
                        [.attr("desired_size", nodes), .attr("min_size", r.int("minNodes") ?? nodes), .attr("max_size", r.int("maxNodes") ?? nodes)]),
                    tags,
                ]),
        ]
    }

    /// CloudFront with HTTPS only, TLS 1.2 for viewers and an optional WAF.
    func contentDelivery(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let aliases = try c.property(r, "aliases", .list([])) ?? .list([])
        var viewer: [HCLBlock.Item] = []
        if let certificate = r.expr("certificate") {
            viewer = [
                .attr("acm_certificate_arn", try c.hcl(certificate)), .attr("ssl_support_method", "sni-only"),
                .attr("minimum_protocol_version", "TLSv1.2_2021"),
            ]
        } else {
            viewer = [.attr("cloudfront_default_certificate", true)]
        }
        return [
            resource(
                "aws_cloudfront_distribution", r.name,
                [
                    .attr("enabled", true), .attr("is_ipv6_enabled", true), .attr("aliases", aliases),
                    .nested(
                        "origin",
                        [
                            .attr("domain_name", try c.property(r, "origin") ?? .null), .attr("origin_id", "origin"),
                            .nested(
                                "custom_origin_config",
                                [
                                    .attr("http_port", 80), .attr("https_port", 443),
                                    .attr("origin_protocol_policy", "https-only"), .attr("origin_ssl_protocols", .strings(["TLSv1.2"])),
                                ]),
                        ]),
                    .nested(
                        "default_cache_behavior",
                        [
                            .attr("target_origin_id", "origin"), .attr("allowed_methods", .strings(["GET", "HEAD"])),
                            .attr("cached_methods", .strings(["GET", "HEAD"])),
                            .attr("viewer_protocol_policy", r.bool("httpsOnly", default: true) ? "redirect-to-https" : "allow-all"),
                            .attr("default_ttl", r.seconds("cacheTtl") ?? 3600),
                            .nested("forwarded_values", [.attr("query_string", false), .nested("cookies", [.attr("forward", "none")])]),
                        ]),
                    .nested("restrictions", [.nested("geo_restriction", [.attr("restriction_type", "none")])]),
                    .nested("viewer_certificate", viewer),
                    .nested("logging_config", [.attr("bucket", .traversal("\(Self.logBucket).bucket_domain_name")), .attr("prefix", "cdn/\(r.name)/")]),
                    tags,
                ])
        ]
    }
}
