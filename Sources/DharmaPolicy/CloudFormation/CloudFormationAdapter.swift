/// Maps CloudFormation resources onto the common model, with the same defaults as the
/// Terraform adapter (a missing property takes the service's default).
public enum CloudFormationAdapter {
    typealias Mapping = @Sendable (ScannedResource, [ScannedResource]) -> (String, [String: PolicyValue])

    public static func model(_ resources: [ScannedResource]) -> [PolicyResource] {
        var byFile: [String: [ScannedResource]] = [:]
        for resource in resources { byFile[resource.file, default: []].append(resource) }
        return resources.compactMap { resource in
            guard let mapping = mappings[resource.type] else { return nil }
            let (kind, properties) = mapping(resource, byFile[resource.file] ?? [])
            return PolicyResource(
                address: resource.address, nativeType: resource.type, kind: kind, provider: "aws",
                file: resource.file, line: resource.line, properties: properties.merging(["tags": tags(resource)]) { a, _ in a })
        }
    }

    static func flag(_ value: PolicyValue?, default fallback: Bool) -> PolicyValue { TerraformAdapter.flag(value, default: fallback) }

    static func tags(_ resource: ScannedResource) -> PolicyValue {
        var tags: [String: PolicyValue] = [:]
        for tag in resource["Tags"]?.list ?? [] {
            if let key = tag["Key"]?.string { tags[key] = tag["Value"] ?? .null }
        }
        return .map(tags)
    }

    /// Resources in the same template whose properties refer to `resource`.
    static func referring(to resource: ScannedResource, type: String, in template: [ScannedResource]) -> [ScannedResource] {
        template.filter { $0.type == type && refers($0.attributes, to: resource.address) }
    }

    static func refers(_ attributes: [String: PolicyValue], to address: String) -> Bool {
        attributes.values.contains { refers($0, to: address) }
    }

    static func refers(_ value: PolicyValue, to address: String) -> Bool {
        switch value {
        case .reference(let target, _): return target == address
        case .list(let items): return items.contains { refers($0, to: address) }
        case .map(let entries): return refers(entries, to: address)
        default: return false
        }
    }

    static func ingress(_ rule: PolicyValue) -> PolicyValue {
        var fields: [String: PolicyValue] = [
            "from_port": rule["FromPort"] ?? .number(0), "to_port": rule["ToPort"] ?? .number(65_535),
            "protocol": rule["IpProtocol"] ?? .string("-1"),
        ]
        if let cidr = rule["CidrIp"] { fields["cidr_blocks"] = .list([cidr]) }
        if let cidr = rule["CidrIpv6"] { fields["ipv6_cidr_blocks"] = .list([cidr]) }
        if let group = rule["SourceSecurityGroupId"] ?? rule["SourceSecurityGroupName"] { fields["security_groups"] = .list([group]) }
        if let prefix = rule["SourcePrefixListId"] { fields["prefix_list_ids"] = .list([prefix]) }
        if fields["protocol"]?.string == "-1" { fields["from_port"] = .number(0); fields["to_port"] = .number(65_535) }
        return TerraformAdapter.awsIngress(fields)
    }

    static let mappings: [String: Mapping] = [
        "AWS::S3::Bucket": { bucket, template in
            let algorithm = TerraformAdapter.dig(
                bucket["BucketEncryption"], "ServerSideEncryptionConfiguration", "ServerSideEncryptionByDefault", "SSEAlgorithm")
            let block = bucket["PublicAccessBlockConfiguration"]
            let acl = bucket["AccessControl"]?.string
            return (
                "storage.bucket",
                [
                    "encrypted": algorithm.map { TerraformAdapter.within($0, TerraformAdapter.encryptionAlgorithms) } ?? .bool(true),
                    "encryptionKey": algorithm?.string == "aws:kms" ? .string("kms") : .string("provider"),
                    "versioning": TerraformAdapter.equals(TerraformAdapter.dig(bucket["VersioningConfiguration"], "Status"), .string("Enabled")),
                    "publicAccessBlocked": TerraformAdapter.allOf([
                        TerraformAdapter.equals(block?["BlockPublicAcls"], .bool(true)),
                        TerraformAdapter.equals(block?["BlockPublicPolicy"], .bool(true)),
                    ]),
                    "aclPublic": .bool(acl.map { ["PublicRead", "PublicReadWrite", "AuthenticatedRead"].contains($0) } ?? false),
                    "accessLogs": .bool(bucket["LoggingConfiguration"] != nil),
                    "name": TerraformAdapter.known(bucket["BucketName"]),
                ]
            )
        },
        "AWS::EC2::SecurityGroup": { group, template in
            let inline = (group["SecurityGroupIngress"]?.list ?? []).map(ingress)
            let separate = referring(to: group, type: "AWS::EC2::SecurityGroupIngress", in: template).map { ingress(.map($0.attributes)) }
            let egress = (group["SecurityGroupEgress"]?.list ?? []).map { rule -> PolicyValue in
                var fields = rule.mapEntries ?? [:]
                fields["CidrIp"] = rule["CidrIp"]
                return ingress(.map(fields))
            }
            return ("network.firewall", ["ingress": .list(inline + separate), "egress": .list(egress)])
        },
        "AWS::EC2::SecurityGroupIngress": { rule, _ in ("network.firewall", ["ingress": .list([ingress(.map(rule.attributes))])]) },
        "AWS::RDS::DBInstance": { db, _ in
            (
                "database",
                [
                    "encrypted": flag(db["StorageEncrypted"], default: false), "public": flag(db["PubliclyAccessible"], default: false),
                    "multiAz": flag(db["MultiAZ"], default: false), "deletionProtection": flag(db["DeletionProtection"], default: false),
                    "iamAuthentication": flag(db["EnableIAMDatabaseAuthentication"], default: false),
                    "backupRetentionDays": TerraformAdapter.known(db["BackupRetentionPeriod"] ?? .number(1)),
                    "engine": TerraformAdapter.known(db["Engine"]), "engineVersion": TerraformAdapter.known(db["EngineVersion"]),
                ]
            )
        },
        "AWS::EC2::Volume": { volume, _ in ("storage.volume", ["encrypted": flag(volume["Encrypted"], default: false)]) },
        "AWS::EC2::VPC": { vpc, template in
            ("network.vpc", ["flowLogs": .bool(!referring(to: vpc, type: "AWS::EC2::FlowLog", in: template).isEmpty)])
        },
        "AWS::EC2::Subnet": { subnet, _ in ("network.subnet", ["public": flag(subnet["MapPublicIpOnLaunch"], default: false)]) },
        "AWS::CloudTrail::Trail": { trail, _ in
            (
                "logging.trail",
                [
                    "loggingEnabled": flag(trail["IsLogging"], default: false), "logValidation": flag(trail["EnableLogFileValidation"], default: false),
                    "multiRegion": flag(trail["IsMultiRegionTrail"], default: false), "encrypted": .bool(trail["KMSKeyId"] != nil),
                ]
            )
        },
        "AWS::IAM::Policy": { policy, _ in ("iam.policy", ["statements": TerraformAdapter.statements(policy["PolicyDocument"])]) },
        "AWS::IAM::ManagedPolicy": { policy, _ in ("iam.policy", ["statements": TerraformAdapter.statements(policy["PolicyDocument"])]) },
        "AWS::SQS::Queue": { queue, _ in
            (
                "queue",
                [
                    "encrypted": .bool(queue["KmsMasterKeyId"] != nil || queue["SqsManagedSseEnabled"]?.bool != false),
                    "encryptionKey": .string(queue["KmsMasterKeyId"] != nil ? "kms" : "provider"), "deadLetter": .bool(queue["RedrivePolicy"] != nil),
                ]
            )
        },
        "AWS::SNS::Topic": { topic, _ in
            ("queue", ["encrypted": .bool(topic["KmsMasterKeyId"] != nil), "encryptionKey": .string(topic["KmsMasterKeyId"] != nil ? "kms" : "none")])
        },
        "AWS::ElastiCache::ReplicationGroup": { cache, _ in
            (
                "cache.redis",
                [
                    "encryptionInTransit": flag(cache["TransitEncryptionEnabled"], default: false),
                    "encryptionAtRest": flag(cache["AtRestEncryptionEnabled"], default: false), "authToken": .bool(cache["AuthToken"] != nil),
                ]
            )
        },
        "AWS::DynamoDB::Table": { table, _ in
            (
                "database.nosql",
                [
                    "pointInTimeRecovery": flag(TerraformAdapter.dig(table["PointInTimeRecoverySpecification"], "PointInTimeRecoveryEnabled"), default: false),
                    "encrypted": .bool(true),
                    "encryptionKey": TerraformAdapter.dig(table["SSESpecification"], "SSEType")?.string == "KMS" ? .string("kms") : .string("provider"),
                ]
            )
        },
        "AWS::ElasticLoadBalancingV2::LoadBalancer": { balancer, template in
            let attributes = balancer["LoadBalancerAttributes"]?.list ?? []
            func attribute(_ key: String) -> PolicyValue? { attributes.first { $0["Key"]?.string == key }?["Value"] }
            let listeners = referring(to: balancer, type: "AWS::ElasticLoadBalancingV2::Listener", in: template)
            let https = listeners.contains { $0["Protocol"]?.string == "HTTPS" || $0["Protocol"]?.string == "TLS" }
            let policy = listeners.compactMap { $0["SslPolicy"]?.string }.first ?? ""
            return (
                "network.loadbalancer",
                [
                    "public": .bool(balancer["Scheme"]?.string == "internet-facing"),
                    "protocol": .string(https ? "https" : (listeners.first?["Protocol"]?.string?.lowercased() ?? "http")),
                    "tlsPolicy": .string(
                        policy.contains("TLS13-1-3") ? "tls1.3" : policy.contains("TLS13") || policy.contains("TLS-1-2") ? "tls1.2" : "tls1.0"),
                    "accessLogs": flag(attribute("access_logs.s3.enabled"), default: false),
                    "deletionProtection": flag(attribute("deletion_protection.enabled"), default: false),
                ]
            )
        },
        "AWS::EC2::Instance": { instance, _ in
            let disks = instance["BlockDeviceMappings"]?.list ?? []
            return (
                "compute.vm",
                [
                    "imdsv2": .bool(TerraformAdapter.dig(instance["MetadataOptions"], "HttpTokens")?.string == "required"),
                    "encrypted": disks.isEmpty
                        ? .bool(false) : TerraformAdapter.allOf(disks.map { flag(TerraformAdapter.dig($0, "Ebs", "Encrypted"), default: false) }),
                    "publicIp": .bool(false), "monitoring": flag(instance["Monitoring"], default: false),
                ]
            )
        },
        "AWS::EKS::Cluster": { cluster, _ in
            (
                "compute.cluster",
                [
                    "privateEndpoint": TerraformAdapter.not(flag(TerraformAdapter.dig(cluster["ResourcesVpcConfig"], "EndpointPublicAccess"), default: true)),
                    "secretsEncrypted": .bool(cluster["EncryptionConfig"] != nil), "version": TerraformAdapter.known(cluster["Version"]),
                ]
            )
        },
        "AWS::Lambda::Function": { function, _ in
            (
                "compute.function",
                [
                    "runtime": TerraformAdapter.known(function["Runtime"]),
                    "tracing": .bool(TerraformAdapter.dig(function["TracingConfig"], "Mode")?.string == "Active"),
                ]
            )
        },
        "AWS::SecretsManager::Secret": { _, _ in ("security.secret", ["rotation": .null]) },
    ]
}
