import DharmaCore

extension CloudFormationResources {
    static func loadBalancer(_ r: ExportResource, id: String, _ c: CloudFormationContext) throws(ExportError) -> [(String, Document)] {
        let proto = r.string("protocol") ?? "https"
        let layer7 = proto == "http" || proto == "https"
        var attributes: [Document] = [
            .object([("Key", "deletion_protection.enabled"), ("Value", "true")]),
            .object([("Key", "access_logs.s3.enabled"), ("Value", .string(r.bool("accessLogs", default: true) ? "true" : "false"))]),
            .object([("Key", "access_logs.s3.bucket"), ("Value", CloudFormationContext.ref(CloudFormationExporter.logBucket))]),
        ]
        if layer7 { attributes.append(.object([("Key", "routing.http.drop_invalid_header_fields.enabled"), ("Value", "true")])) }
        var out: [(String, Document)] = [
            (
                id,
                resource(
                    "AWS::ElasticLoadBalancingV2::LoadBalancer",
                    [
                        ("Scheme", .string(r.string("scheme") == "internet-facing" ? "internet-facing" : "internal")),
                        ("Type", .string(layer7 ? "application" : "network")),
                        ("Subnets", try c.property(r, "subnets", .list([]))),
                        ("LoadBalancerAttributes", .list(attributes)), ("Tags", CloudFormationContext.tags(r)),
                    ])
            )
        ]
        out.append(("\(id)Targets", resource("AWS::ElasticLoadBalancingV2::TargetGroup", try targetGroup(of: r, layer7: layer7, c))))
        let forward = Document.list([.object([("Type", "forward"), ("TargetGroupArn", CloudFormationContext.ref("\(id)Targets"))])])
        if proto == "https" {
            var listener: [(String, Document)] = [
                ("LoadBalancerArn", CloudFormationContext.ref(id)), ("Port", .int(r.int("port") ?? 443)), ("Protocol", "HTTPS"),
                ("SslPolicy", .string(r.string("tlsPolicy") == "tls1.3" ? "ELBSecurityPolicy-TLS13-1-3-2021-06" : "ELBSecurityPolicy-TLS13-1-2-2021-06")),
            ]
            if let certificate = r.expr("certificate") { listener.append(("Certificates", .list([.object([("CertificateArn", try c.doc(certificate))])]))) }
            listener.append(("DefaultActions", forward))
            out.append(("\(id)Listener", resource("AWS::ElasticLoadBalancingV2::Listener", listener)))
            out.append(
                (
                    "\(id)Redirect",
                    resource(
                        "AWS::ElasticLoadBalancingV2::Listener",
                        [
                            ("LoadBalancerArn", CloudFormationContext.ref(id)), ("Port", .int(80)), ("Protocol", "HTTP"),
                            (
                                "DefaultActions",
                                .list([
                                    .object([
                                        ("Type", "redirect"),
                                        ("RedirectConfig", .object([("Protocol", "HTTPS"), ("Port", "443"), ("StatusCode", "HTTP_301")])),
                                    ])
                                ])
                            ),
                        ])
                ))
        } else {
            out.append(
                (
                    "\(id)Listener",
                    resource(
                        "AWS::ElasticLoadBalancingV2::Listener",
                        [
                            ("LoadBalancerArn", CloudFormationContext.ref(id)), ("Port", .int(r.int("port") ?? 80)), ("Protocol", .string(proto.uppercased())),
                            ("DefaultActions", forward),
                        ])
                ))
        }
        return out
    }

    static func database(_ r: ExportResource, id: String, _ c: CloudFormationContext) throws(ExportError) -> [(String, Document)] {
        let postgres = r.type == "database.postgres"
        var out: [(String, Document)] = []
        var properties: [(String, Document)] = [
            ("Engine", .string(postgres ? "postgres" : "mysql")),
            ("EngineVersion", .string(Self.engineVersion(postgres: postgres, major: r.string("version")))),
            ("DBInstanceClass", .string(r.string("size") ?? AWSTerraform.databaseClass(cpu: r.number("cpu") ?? 2, mebibytes: r.mebibytes("memory") ?? 8192))),
            ("AllocatedStorage", .string(String(r.gibibytes("storage") ?? 20))), ("StorageType", "gp3"),
            ("StorageEncrypted", .bool(r.bool("encrypted", default: true))), ("KmsKeyId", CloudFormationExporter.kmsKey),
            ("MasterUsername", try c.property(r, "username", "dharma")), ("ManageMasterUserPassword", .bool(true)),
            ("MultiAZ", .bool(r.bool("highAvailability"))), ("PubliclyAccessible", .bool(r.bool("public"))),
            ("BackupRetentionPeriod", .int(max(1, (r.seconds("backupRetention") ?? 604_800) / 86_400))),
            ("DeletionProtection", .bool(r.bool("deletionProtection", default: true))), ("CopyTagsToSnapshot", .bool(true)),
            ("AutoMinorVersionUpgrade", .bool(true)), ("EnableIAMDatabaseAuthentication", .bool(true)),
            ("EnablePerformanceInsights", .bool(true)), ("PerformanceInsightsKMSKeyId", CloudFormationExporter.kmsKey),
            ("EnableCloudwatchLogsExports", .strings(postgres ? ["postgresql", "upgrade"] : ["audit", "error", "general", "slowquery"])),
        ]
        if let subnets = r.expr("subnets") {
            out.append(
                (
                    "\(id)Subnets",
                    resource(
                        "AWS::RDS::DBSubnetGroup",
                        [
                            ("DBSubnetGroupDescription", .string("subnets of \(r.name)")),
                            ("SubnetIds", try c.doc(subnets)),
                        ])
                ))
            properties.append(("DBSubnetGroupName", CloudFormationContext.ref("\(id)Subnets")))
        }
        properties.append(("Tags", CloudFormationContext.tags(r)))
        out.insert((id, resource("AWS::RDS::DBInstance", properties, extra: [("DeletionPolicy", "Snapshot"), ("UpdateReplacePolicy", "Snapshot")])), at: 0)
        return out
    }

    /// The major version only: RDS then creates the instance on that major's current default
    /// minor, where a pinned minor goes stale as AWS deprecates it.
    /// RDS takes a PostgreSQL major version alone; for MySQL, CloudFormation's schema wants a
    /// full one, so a major version gets the minor RDS offers by default for it.
    static func engineVersion(postgres: Bool, major: String?) -> String {
        let version = major ?? (postgres ? "16" : "8.0")
        return postgres ? version : mysqlMinors[version] ?? version
    }

    static let mysqlMinors = ["8.0": "8.0.44", "8.4": "8.4.7"]

    /// ECS on Fargate, as in the Terraform export.
    static func containerService(_ r: ExportResource, id: String, _ c: CloudFormationContext) throws(ExportError) -> [(String, Document)] {
        let cpu = AWSTerraform.fargateCPU(r.number("cpu") ?? 0.25)
        let memory = max(AWSTerraform.fargateMinimumMemory(cpu), r.mebibytes("memory") ?? 512)
        var environment: [Document] = []
        for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
            environment.append(.object([("Name", .string(key)), ("Value", try c.doc(value))]))
        }
        let tags = ("Tags", CloudFormationContext.tags(r))
        return [
            (
                "\(id)Cluster",
                resource("AWS::ECS::Cluster", [("ClusterSettings", .list([.object([("Name", "containerInsights"), ("Value", "enabled")])])), tags])
            ),
            ("\(id)Logs", resource("AWS::Logs::LogGroup", [("RetentionInDays", .int(365)), ("KmsKeyId", CloudFormationExporter.kmsKey)])),
            (
                "\(id)ExecutionRole",
                resource(
                    "AWS::IAM::Role",
                    [
                        ("AssumeRolePolicyDocument", assumeRole(["ecs-tasks.amazonaws.com"])),
                        ("ManagedPolicyArns", .strings(["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"])), tags,
                    ])
            ),
            ("\(id)TaskRole", resource("AWS::IAM::Role", [("AssumeRolePolicyDocument", assumeRole(["ecs-tasks.amazonaws.com"])), tags])),
            (
                "\(id)Task",
                resource(
                    "AWS::ECS::TaskDefinition",
                    [
                        ("RequiresCompatibilities", .strings(["FARGATE"])), ("NetworkMode", "awsvpc"), ("Cpu", .string(String(cpu))),
                        ("Memory", .string(String(memory))),
                        ("ExecutionRoleArn", CloudFormationContext.getAtt("\(id)ExecutionRole", "Arn")),
                        ("TaskRoleArn", CloudFormationContext.getAtt("\(id)TaskRole", "Arn")),
                        (
                            "ContainerDefinitions",
                            .list([
                                .object([
                                    ("Name", .string(r.name)), ("Image", try c.property(r, "image", "public.ecr.aws/docker/library/nginx:stable")),
                                    ("Essential", .bool(true)),
                                    ("ReadonlyRootFilesystem", .bool(true)),
                                    ("PortMappings", .list([.object([("ContainerPort", .int(r.int("port") ?? 8080))])])),
                                    ("Environment", .list(environment)),
                                    (
                                        "LogConfiguration",
                                        .object([
                                            ("LogDriver", "awslogs"),
                                            (
                                                "Options",
                                                .object([
                                                    ("awslogs-group", CloudFormationContext.ref("\(id)Logs")),
                                                    ("awslogs-region", .object([("Ref", "AWS::Region")])),
                                                    ("awslogs-stream-prefix", .string(r.name)),
                                                ])
                                            ),
                                        ])
                                    ),
                                ])
                            ])
                        ), tags,
                    ])
            ),
            (
                id,
                resource(
                    "AWS::ECS::Service",
                    [
                        ("Cluster", CloudFormationContext.ref("\(id)Cluster")), ("TaskDefinition", CloudFormationContext.ref("\(id)Task")),
                        ("DesiredCount", try c.property(r, "replicas", .int(1))), ("LaunchType", "FARGATE"),
                        (
                            "NetworkConfiguration",
                            .object([
                                ("AwsvpcConfiguration", .object([("AssignPublicIp", "DISABLED"), ("Subnets", CloudFormationContext.ref("ServiceSubnets"))]))
                            ])
                        ),
                        tags,
                    ])
            ),
        ]
    }

    /// The stack's KMS key and access-log bucket.
    static func shared(stack: ExportStack) -> [(String, Document)] {
        var tagList: [Document] = [
            .object([("Key", "stack"), ("Value", .string(stack.name))]), .object([("Key", "environment"), ("Value", .string(stack.environment))]),
            .object([("Key", "managed-by"), ("Value", "dharma")]),
        ]
        if let owner = stack.owner { tagList.append(.object([("Key", "owner"), ("Value", .string(owner))])) }
        let tags = ("Tags", Document.list(tagList))
        let account = Document.object([("Fn::Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root")])
        return [
            (
                "DharmaKey",
                resource(
                    "AWS::KMS::Key",
                    [
                        ("Description", .string("Dharma stack \(stack.name)/\(stack.environment)")), ("EnableKeyRotation", .bool(true)),
                        ("PendingWindowInDays", .int(30)),
                        (
                            "KeyPolicy",
                            .object([
                                ("Version", "2012-10-17"),
                                (
                                    "Statement",
                                    .list([
                                        .object([
                                            ("Sid", "AccountAdministers"), ("Effect", "Allow"), ("Principal", .object([("AWS", account)])), ("Action", "kms:*"),
                                            ("Resource", "*"),
                                        ]),
                                        .object([
                                            ("Sid", "ServicesEncrypt"), ("Effect", "Allow"),
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
                                            ("Action", .strings(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"])),
                                            ("Resource", "*"),
                                        ]),
                                    ])
                                ),
                            ])
                        ), tags,
                    ], extra: [("DeletionPolicy", "Retain"), ("UpdateReplacePolicy", "Retain")])
            ),
            (
                CloudFormationExporter.logBucket,
                resource(
                    "AWS::S3::Bucket",
                    [
                        (
                            "BucketEncryption",
                            .object([
                                (
                                    "ServerSideEncryptionConfiguration",
                                    .list([.object([("ServerSideEncryptionByDefault", .object([("SSEAlgorithm", "AES256")]))])])
                                )
                            ])
                        ),
                        ("VersioningConfiguration", .object([("Status", "Enabled")])),
                        (
                            "PublicAccessBlockConfiguration",
                            .object([
                                ("BlockPublicAcls", .bool(true)), ("IgnorePublicAcls", .bool(true)),
                                ("BlockPublicPolicy", .bool(true)), ("RestrictPublicBuckets", .bool(true)),
                            ])
                        ),
                        ("OwnershipControls", .object([("Rules", .list([.object([("ObjectOwnership", "BucketOwnerEnforced")])]))])),
                        (
                            "LifecycleConfiguration",
                            .object([("Rules", .list([.object([("Id", "expire-logs"), ("Status", "Enabled"), ("ExpirationInDays", .int(365))])]))])
                        ),
                        tags,
                    ], extra: [("DeletionPolicy", "Retain"), ("UpdateReplacePolicy", "Retain")])
            ),
            (
                "\(CloudFormationExporter.logBucket)Policy",
                resource(
                    "AWS::S3::BucketPolicy",
                    [
                        ("Bucket", CloudFormationContext.ref(CloudFormationExporter.logBucket)),
                        (
                            "PolicyDocument",
                            .object([
                                ("Version", "2012-10-17"),
                                (
                                    "Statement",
                                    .list([
                                        .object([
                                            ("Sid", "LogDelivery"), ("Effect", "Allow"),
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
                                            ("Action", "s3:PutObject"), ("Resource", .object([("Fn::Sub", "${DharmaLogs.Arn}/*")])),
                                        ]),
                                        .object([
                                            ("Sid", "TLSOnly"), ("Effect", "Deny"), ("Principal", "*"), ("Action", "s3:*"),
                                            (
                                                "Resource",
                                                .list([
                                                    CloudFormationContext.getAtt(CloudFormationExporter.logBucket, "Arn"),
                                                    .object([("Fn::Sub", "${DharmaLogs.Arn}/*")]),
                                                ])
                                            ),
                                            ("Condition", .object([("Bool", .object([("aws:SecureTransport", "false")]))])),
                                        ]),
                                    ])
                                ),
                            ])
                        ),
                    ])
            ),
        ]
    }

    /// The target group: VMs among the targets registered by instance id, in the VPC of the
    /// load balancer's first subnet, which CloudFormation can only know from the blueprint.
    static func targetGroup(of r: ExportResource, layer7: Bool, _ c: CloudFormationContext) throws(ExportError) -> [(String, Document)] {
        let proto = r.string("protocol") ?? "https"
        let machines = c.stack.machineTargets(of: r)
        var properties: [(String, Document)] = [
            ("Port", .int(8080)), ("Protocol", .string(layer7 ? "HTTP" : proto.uppercased())), ("TargetType", .string(machines.isEmpty ? "ip" : "instance")),
            ("HealthCheckPath", .string(r.string("healthPath") ?? "/healthz")),
        ]
        switch r.list("subnets").first {
        case .output(let subnet, _, _)?:
            if let vpc = c.stack.resource(named: subnet)?.expr("vpc") { properties.append(("VpcId", try c.doc(vpc))) }
        case .some:
            throw ExportError(
                "resource `\(r.name)`: CloudFormation cannot look up the VPC of a subnet given by id, and the target group must name it; "
                    + "list network.subnet resources of the blueprint in `subnets`, or export with --format terraform", at: r.location)
        case nil:
            break
        }
        if !machines.isEmpty {
            properties.append(("Targets", .list(machines.map { .object([("Id", CloudFormationContext.ref(CloudFormationContext.logicalID($0)))]) })))
        }
        return properties
    }
}
