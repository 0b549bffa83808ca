import DharmaCore

/// The mapping table from Dharma's types to CloudFormation resource types.
enum CloudFormationResources {
    static let supportedTypes: Set<String> = [
        "network.vpc", "network.subnet", "network.firewall", "network.loadbalancer", "network.dns", "storage.bucket", "storage.volume",
        "database.postgres", "database.mysql", "database.nosql", "cache.redis", "queue.queue", "queue.topic", "security.certificate",
        "security.secret", "security.identity", "monitoring.alert", "compute.vm", "compute.service",
    ]

    static func resource(_ type: String, _ properties: [(String, Document)], extra: [(String, Document)] = []) -> Document {
        .object([("Type", .string(type))] + extra + [("Properties", .object(properties))])
    }

    static func resources(for r: ExportResource, in c: CloudFormationContext) throws(ExportError) -> [(String, Document)] {
        let id = CloudFormationContext.logicalID(r.name)
        let tags = ("Tags", CloudFormationContext.tags(r))
        let kms = CloudFormationExporter.kmsKey
        switch r.type {
        case "network.vpc":
            var out: [(String, Document)] = [
                (
                    id,
                    resource(
                        "AWS::EC2::VPC",
                        [
                            ("CidrBlock", try c.property(r, "cidr", "10.0.0.0/16")), ("EnableDnsHostnames", .bool(r.bool("dnsHostnames", default: true))),
                            ("EnableDnsSupport", .bool(true)), tags,
                        ])
                )
            ]
            if r.bool("flowLogs", default: true) {
                out.append(
                    (
                        "\(id)FlowLog",
                        resource(
                            "AWS::EC2::FlowLog",
                            [
                                ("ResourceId", CloudFormationContext.ref(id)), ("ResourceType", "VPC"), ("TrafficType", "ALL"),
                                ("LogDestinationType", "s3"), ("LogDestination", CloudFormationContext.getAtt(CloudFormationExporter.logBucket, "Arn")), tags,
                            ])
                    ))
            }
            return out
        case "network.subnet":
            var properties: [(String, Document)] = [("VpcId", try c.property(r, "vpc", .null)), ("CidrBlock", try c.property(r, "cidr", .null))]
            if let zone = r.string("zone") { properties.append(("AvailabilityZone", .string(zone))) }
            properties += [("MapPublicIpOnLaunch", .bool(r.bool("public"))), tags]
            return [(id, resource("AWS::EC2::Subnet", properties))]
        case "network.firewall":
            var ingress: [Document] = []
            for rule in r.list("ingress") {
                let fields = rule.mapEntries ?? [:]
                let ports = AWSTerraform.portRange(fields)
                let proto = fields["protocol"]?.resolved?.stringValue ?? "tcp"
                for cidr in fields["from"]?.listItems ?? [] {
                    ingress.append(
                        .object([
                            ("IpProtocol", .string(proto == "all" ? "-1" : proto)), ("FromPort", .int(ports.0)), ("ToPort", .int(ports.1)),
                            ("CidrIp", try c.doc(cidr)), ("Description", .string(fields["description"]?.resolved?.stringValue ?? "managed by Dharma")),
                        ]))
                }
            }
            var properties: [(String, Document)] = [("GroupDescription", .string("Managed by Dharma: \(r.name)"))]
            if let vpc = r.expr("vpc") { properties.append(("VpcId", try c.doc(vpc))) }
            properties += [("SecurityGroupIngress", .list(ingress)), tags]
            return [(id, resource("AWS::EC2::SecurityGroup", properties))]
        case "network.loadbalancer":
            return try loadBalancer(r, id: id, c)
        case "network.dns":
            return [
                (
                    id,
                    resource(
                        "AWS::Route53::HostedZone",
                        [
                            ("Name", try c.property(r, "zone", .null)),
                            ("HostedZoneTags", CloudFormationContext.tags(r)),
                        ])
                )
            ]
        case "storage.bucket":
            var properties: [(String, Document)] = []
            if let name = r.expr("bucketName") { properties.append(("BucketName", try c.doc(name))) }
            let isPublic = r.bool("public")
            properties += [
                (
                    "BucketEncryption",
                    .object([
                        (
                            "ServerSideEncryptionConfiguration",
                            .list([
                                .object([
                                    ("ServerSideEncryptionByDefault", .object([("SSEAlgorithm", "aws:kms"), ("KMSMasterKeyID", kms)])),
                                    ("BucketKeyEnabled", .bool(true)),
                                ])
                            ])
                        )
                    ])
                ),
                ("VersioningConfiguration", .object([("Status", .string(r.bool("versioning", default: true) ? "Enabled" : "Suspended"))])),
                (
                    "PublicAccessBlockConfiguration",
                    .object([
                        ("BlockPublicAcls", .bool(true)), ("IgnorePublicAcls", .bool(true)),
                        ("BlockPublicPolicy", .bool(!isPublic)), ("RestrictPublicBuckets", .bool(!isPublic)),
                    ])
                ),
                ("OwnershipControls", .object([("Rules", .list([.object([("ObjectOwnership", "BucketOwnerEnforced")])]))])),
            ]
            if r.bool("accessLogs", default: true) {
                properties.append(
                    (
                        "LoggingConfiguration",
                        .object([
                            ("DestinationBucketName", CloudFormationContext.ref(CloudFormationExporter.logBucket)),
                            ("LogFilePrefix", .string("s3/\(r.name)/")),
                        ])
                    ))
            }
            var rule: [(String, Document)] = [
                ("Id", "dharma-lifecycle"), ("Status", "Enabled"), ("AbortIncompleteMultipartUpload", .object([("DaysAfterInitiation", .int(7))])),
            ]
            if let days = r.int("retentionDays") { rule.append(("ExpirationInDays", .int(days))) }
            properties += [("LifecycleConfiguration", .object([("Rules", .list([.object(rule)]))])), tags]
            return [(id, resource("AWS::S3::Bucket", properties, extra: [("DeletionPolicy", "Retain"), ("UpdateReplacePolicy", "Retain")]))]
        case "storage.volume":
            return [
                (
                    id,
                    resource(
                        "AWS::EC2::Volume",
                        [
                            ("AvailabilityZone", .string(r.string("zone") ?? "\(r.region)a")), ("Size", .int(r.gibibytes("size") ?? 20)),
                            ("VolumeType", .string(AWSTerraform.volumeType(r.string("class")))), ("Encrypted", .bool(true)),
                            ("KmsKeyId", kms), tags,
                        ])
                )
            ]
        case "database.postgres", "database.mysql":
            return try database(r, id: id, c)
        case "database.nosql":
            var keys: [Document] = [.object([("AttributeName", .string(r.string("partitionKey") ?? "id")), ("KeyType", "HASH")])]
            var attributes: [Document] = [.object([("AttributeName", .string(r.string("partitionKey") ?? "id")), ("AttributeType", "S")])]
            if let sort = r.string("sortKey") {
                keys.append(.object([("AttributeName", .string(sort)), ("KeyType", "RANGE")]))
                attributes.append(.object([("AttributeName", .string(sort)), ("AttributeType", "S")]))
            }
            var properties: [(String, Document)] = [("KeySchema", .list(keys)), ("AttributeDefinitions", .list(attributes))]
            if r.string("billing") == "provisioned" {
                properties += [
                    ("BillingMode", "PROVISIONED"),
                    (
                        "ProvisionedThroughput",
                        .object([
                            ("ReadCapacityUnits", .int(r.int("readCapacity") ?? 5)), ("WriteCapacityUnits", .int(r.int("writeCapacity") ?? 5)),
                        ])
                    ),
                ]
            } else {
                properties.append(("BillingMode", "PAY_PER_REQUEST"))
            }
            properties += [
                ("PointInTimeRecoverySpecification", .object([("PointInTimeRecoveryEnabled", .bool(r.bool("pointInTimeRecovery", default: true)))])),
                ("SSESpecification", .object([("SSEEnabled", .bool(true)), ("SSEType", "KMS"), ("KMSMasterKeyId", kms)])), tags,
            ]
            return [(id, resource("AWS::DynamoDB::Table", properties, extra: [("DeletionPolicy", "Retain"), ("UpdateReplacePolicy", "Retain")]))]
        case "cache.redis":
            let replicas = r.int("replicas") ?? 1
            return [
                (
                    id,
                    resource(
                        "AWS::ElastiCache::ReplicationGroup",
                        [
                            ("ReplicationGroupDescription", .string("Dharma cache \(r.name) of \(c.stack.name)")), ("Engine", "redis"),
                            ("EngineVersion", .string(r.string("version") ?? "7.1")),
                            ("CacheNodeType", .string(r.string("size") ?? AWSTerraform.cacheNode(mebibytes: r.mebibytes("memory") ?? 1024))),
                            ("NumCacheClusters", .int(replicas + 1)), ("AutomaticFailoverEnabled", .bool(replicas > 0)),
                            ("MultiAZEnabled", .bool(replicas > 0)),
                            ("AtRestEncryptionEnabled", .bool(true)), ("KmsKeyId", kms), ("TransitEncryptionEnabled", .bool(true)),
                            ("SnapshotRetentionLimit", .int(7)), ("AutoMinorVersionUpgrade", .bool(true)), tags,
                        ])
                )
            ]
        case "queue.queue":
            var out: [(String, Document)] = []
            var properties: [(String, Document)] = [
                ("VisibilityTimeout", .int(r.seconds("visibilityTimeout") ?? 30)), ("MessageRetentionPeriod", .int(r.seconds("retention") ?? 345_600)),
                ("KmsMasterKeyId", CloudFormationContext.ref("DharmaKey")),
            ]
            if r.bool("fifo") { properties.insert(("FifoQueue", .bool(true)), at: 0) }
            if let receives = r.int("deadLetterAfter") {
                var dead: [(String, Document)] = [
                    ("MessageRetentionPeriod", .int(1_209_600)), ("KmsMasterKeyId", CloudFormationContext.ref("DharmaKey")), tags,
                ]
                if r.bool("fifo") { dead.insert(("FifoQueue", .bool(true)), at: 0) }
                out.append(("\(id)DeadLetter", resource("AWS::SQS::Queue", dead)))
                properties.append(
                    (
                        "RedrivePolicy",
                        .object([
                            ("deadLetterTargetArn", CloudFormationContext.getAtt("\(id)DeadLetter", "Arn")),
                            ("maxReceiveCount", .int(receives)),
                        ])
                    ))
            }
            properties.append(tags)
            return [(id, resource("AWS::SQS::Queue", properties))] + out
        case "queue.topic":
            return [(id, resource("AWS::SNS::Topic", [("KmsMasterKeyId", CloudFormationContext.ref("DharmaKey")), tags]))]
        case "security.certificate":
            let domains = r.value("domains")?.listValue?.compactMap(\.stringValue) ?? []
            var properties: [(String, Document)] = [
                ("DomainName", .string(domains.first ?? "")),
                ("ValidationMethod", .string(r.string("validation") == "email" ? "EMAIL" : "DNS")),
            ]
            if domains.count > 1 { properties.append(("SubjectAlternativeNames", .strings(Array(domains.dropFirst())))) }
            properties.append(tags)
            return [(id, resource("AWS::CertificateManager::Certificate", properties))]
        case "security.secret":
            return [
                (
                    id,
                    resource(
                        "AWS::SecretsManager::Secret",
                        [
                            ("Description", .string("Dharma secret \(r.name) of \(c.stack.name)")), ("KmsKeyId", CloudFormationContext.ref("DharmaKey")),
                            ("GenerateSecretString", .object([("PasswordLength", .int(r.int("length") ?? 32)), ("ExcludePunctuation", .bool(true))])), tags,
                        ])
                )
            ]
        case "security.identity":
            let principals = r.value("assumedBy")?.listValue?.compactMap(\.stringValue) ?? ["ecs-tasks.amazonaws.com"]
            var statements: [Document] = []
            for statement in r.list("permissions") {
                let fields = statement.mapEntries ?? [:]
                statements.append(
                    .object([
                        ("Effect", .string(fields["effect"]?.resolved?.stringValue == "deny" ? "Deny" : "Allow")),
                        ("Action", try c.doc(fields["actions"] ?? .list([]))), ("Resource", try c.doc(fields["resources"] ?? .list([]))),
                    ]))
            }
            var properties: [(String, Document)] = [("AssumeRolePolicyDocument", assumeRole(principals))]
            if !statements.isEmpty {
                properties.append(
                    (
                        "Policies",
                        .list([
                            .object([
                                ("PolicyName", "dharma"),
                                (
                                    "PolicyDocument",
                                    .object([
                                        ("Version", "2012-10-17"), ("Statement", .list(statements)),
                                    ])
                                ),
                            ])
                        ])
                    ))
            }
            properties.append(tags)
            return [(id, resource("AWS::IAM::Role", properties))]
        case "monitoring.alert":
            return [
                (
                    id,
                    resource(
                        "AWS::CloudWatch::Alarm",
                        [
                            ("Namespace", .string("Dharma/\(c.stack.name)")), ("MetricName", .string(r.string("metric") ?? "cpu")),
                            ("ComparisonOperator", .string(AWSTerraform.comparison(r.string("condition")))), ("Threshold", .number(r.number("threshold") ?? 0)),
                            ("Statistic", "Average"), ("Period", .int(60)), ("EvaluationPeriods", .int(max(1, (r.seconds("for") ?? 300) / 60))),
                            ("Dimensions", .list([.object([("Name", "resource"), ("Value", .string(r.string("resource") ?? r.name))])])),
                            (
                                "AlarmDescription",
                                .string("\(r.string("severity") ?? "warning"): \(r.string("metric") ?? "") on \(r.string("resource") ?? r.name)")
                            ),
                        ])
                )
            ]
        case "compute.vm":
            let image = r.string("image") ?? ""
            var properties: [(String, Document)] = [
                (
                    "ImageId",
                    .string(
                        image.hasPrefix("ami-") ? image : "{{resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id}}")
                ),
                ("InstanceType", .string(r.string("size") ?? InstanceSizing.aws(cpu: r.number("cpu") ?? 2, mebibytes: r.mebibytes("memory") ?? 4096))),
                ("Monitoring", .bool(true)), ("EbsOptimized", .bool(true)),
                ("MetadataOptions", .object([("HttpEndpoint", "enabled"), ("HttpTokens", "required")])),
                (
                    "BlockDeviceMappings",
                    .list([
                        .object([
                            ("DeviceName", "/dev/sda1"),
                            (
                                "Ebs",
                                .object([
                                    ("VolumeSize", .int(r.gibibytes("disk") ?? 20)), ("VolumeType", "gp3"), ("Encrypted", .bool(true)), ("KmsKeyId", kms),
                                ])
                            ),
                        ])
                    ])
                ),
            ]
            if let subnet = r.expr("subnet") { properties.append(("SubnetId", try c.doc(subnet))) }
            properties.append(tags)
            return [(id, resource("AWS::EC2::Instance", properties))]
        case "compute.service":
            return try containerService(r, id: id, c)
        default:
            throw .unsupported(r, "CloudFormation", Array(supportedTypes))
        }
    }

    static func assumeRole(_ services: [String]) -> Document {
        .object([
            ("Version", "2012-10-17"),
            (
                "Statement",
                .list([
                    .object([
                        ("Effect", "Allow"), ("Principal", .object([("Service", .strings(services))])), ("Action", "sts:AssumeRole"),
                    ])
                ])
            ),
        ])
    }
}
