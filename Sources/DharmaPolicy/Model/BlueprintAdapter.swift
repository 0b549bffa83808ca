import DharmaCore

/// Maps a blueprint's resources (as the foundation engine resolves them) onto the common
/// model, so the rules that check Terraform and CloudFormation check blueprints too.
public enum BlueprintAdapter {
    /// Geography of the regions blueprints name, for data-residency rules.
    static func geography(_ region: String) -> String {
        let lower = region.lowercased()
        if lower.hasPrefix("eu") || lower.contains("europe")
            || [
                "westeurope", "northeurope", "swedencentral", "uksouth", "ukwest",
                "francecentral", "germanywestcentral", "ams3", "fra1", "lon1",
            ].contains(lower)
            || lower.hasPrefix("uk-") || lower.hasPrefix("eu-")
        {
            return "eu"
        }
        if lower.hasPrefix("us") || lower.contains("america")
            || ["eastus", "eastus2", "westus", "westus2", "centralus", "nyc1", "nyc3", "sfo3"].contains(lower)
            || lower.hasPrefix("ca-")
        {
            return "us"
        }
        if lower.hasPrefix("ap") || lower.contains("asia") || lower.hasPrefix("jp") || lower.hasPrefix("sgp") || lower.contains("southeastasia") {
            return "apac"
        }
        if lower.hasPrefix("cn") { return "cn" }
        return "unknown"
    }

    public static func model(_ blueprint: Blueprint, variables: [String: Value]) -> [PolicyResource] {
        let evaluator = Evaluator(variables: variables)
        var baseTags: [String: Value] = blueprint.metadata.labels.mapValues(Value.string)
        baseTags["environment"] = .string(blueprint.metadata.environment)
        if let owner = blueprint.metadata.owner { baseTags["owner"] = .string(owner) }
        if let residency = blueprint.metadata.extra["placement"]?.mapValue?["residency"] { baseTags["residency"] = residency }
        var resources: [PolicyResource] = [
            PolicyResource(
                address: "stack.\(blueprint.metadata.name)", nativeType: "stack", kind: "stack", provider: blueprint.target.provider.rawValue,
                file: blueprint.resources.first?.location.file ?? blueprint.path, line: 1,
                properties: [
                    "owner": blueprint.metadata.owner.map(PolicyValue.string) ?? .null,
                    "environment": .string(blueprint.metadata.environment),
                    "budget": blueprint.metadata.extra["budget"].map(PolicyValue.from) ?? .null,
                    "approvals": blueprint.approvals == nil ? .null : .bool(true),
                ])
        ]
        for spec in blueprint.resources {
            guard let type = ResourceCatalog.type(named: spec.type) else { continue }
            let inputs = PropertyValues.inputs(of: spec, type: type).mapValues { PolicyValue.from(evaluator.evaluate($0, selfType: type)) }
            let region = spec.region ?? blueprint.target.region
            var tags = baseTags.merging(spec.tags.mapValues(Value.string)) { _, new in new }
            tags["stack"] = .string(blueprint.metadata.name)
            guard let (kind, properties) = normalise(spec.type, inputs) else { continue }
            var all = properties
            all["tags"] = PolicyValue.from(.map(tags))
            all["name"] = .string(spec.name)
            all["region"] = .string(region)
            all["geography"] = .string(geography(region))
            resources.append(
                PolicyResource(
                    address: spec.name, nativeType: spec.type, kind: kind,
                    provider: (spec.provider ?? blueprint.target.provider).rawValue,
                    file: spec.location.file, line: spec.location.line, properties: all))
        }
        return resources
    }

    static func normalise(_ type: String, _ p: [String: PolicyValue]) -> (String, [String: PolicyValue])? {
        func bool(_ key: String) -> PolicyValue { p[key]?.bool.map(PolicyValue.bool) ?? (p[key] == nil ? .null : .unknown) }
        func days(_ key: String) -> PolicyValue {
            guard let value = p[key] else { return .null }
            if let text = value.string, let seconds = Units.seconds(.string(text)) { return .number(seconds / 86_400) }
            return .unknown
        }
        switch type {
        case "storage.bucket":
            // Dharma's generated code blocks public access and disables ACLs unless `public: true`.
            let isPublic = p["public"]?.bool ?? false
            return (
                "storage.bucket",
                [
                    "encrypted": .bool(p["encryption"]?.string != "none"), "encryptionKey": p["encryption"] ?? .null,
                    "publicAccessBlocked": .bool(!isPublic), "aclPublic": .bool(isPublic), "uniformAccess": .bool(true),
                    "publicAccessPrevention": .string(isPublic ? "inherited" : "enforced"),
                    "versioning": bool("versioning"), "public": bool("public"), "accessLogs": bool("accessLogs"),
                    "retentionDays": p["retentionDays"] ?? .null,
                ]
            )
        case "storage.volume":
            return ("storage.volume", ["encrypted": bool("encrypted"), "size": p["size"] ?? .null])
        case "database.postgres", "database.mysql":
            // Dharma's generated code turns on IAM authentication and automatic minor upgrades.
            return (
                "database",
                [
                    "encrypted": bool("encrypted"), "public": bool("public"), "multiAz": bool("highAvailability"),
                    "iamAuthentication": .bool(true), "autoMinorUpgrade": .bool(true),
                    "deletionProtection": bool("deletionProtection"), "backupRetentionDays": days("backupRetention"),
                    "engine": .string(type == "database.postgres" ? "postgres" : "mysql"), "engineVersion": p["version"] ?? .null,
                    // Indexes the autopilot creates for slow queries; a blueprint declares none.
                    "indexes": .list([]),
                ]
            )
        case "database.nosql":
            return (
                "database.nosql", ["pointInTimeRecovery": bool("pointInTimeRecovery"), "encrypted": .bool(true), "encryptionKey": p["encryption"] ?? .null]
            )
        case "cache.redis":
            return (
                "cache.redis",
                [
                    "encryptionInTransit": bool("encryptionInTransit"), "encryptionAtRest": bool("encryptionAtRest"),
                    "authToken": .bool(p["authToken"] != nil), "replicas": p["replicas"] ?? .null, "version": p["version"] ?? .null,
                ]
            )
        case "queue.queue", "queue.topic":
            return ("queue", ["encrypted": .bool(true), "encryptionKey": p["encryption"] ?? .null, "deadLetter": .bool(p["deadLetterAfter"] != nil)])
        case "network.firewall":
            func rules(_ key: String, _ direction: String) -> PolicyValue {
                .list(
                    (p[key]?.list ?? []).map { rule in
                        let sources = rule[direction]?.list ?? []
                        let (from, to): (PolicyValue, PolicyValue)
                        if let port = rule["port"]?.number {
                            (from, to) = (.number(port), .number(port))
                        } else if let range = rule["ports"] {
                            (from, to) = TerraformAdapter.portRange(range)
                        } else {
                            (from, to) = (.number(0), .number(65_535))
                        }
                        let open = sources.contains { ["0.0.0.0/0", "::/0"].contains($0.string ?? "") }
                        return .map([
                            "ports": .list([.map(["fromPort": from, "toPort": to])]), "open": .bool(open), "protocol": rule["protocol"] ?? .string("tcp"),
                        ])
                    })
            }
            return ("network.firewall", ["ingress": rules("ingress", "from"), "egress": rules("egress", "to")])
        case "network.vpc":
            return ("network.vpc", ["flowLogs": bool("flowLogs")])
        case "network.subnet":
            return ("network.subnet", ["public": bool("public")])
        case "network.loadbalancer":
            return (
                "network.loadbalancer",
                [
                    "public": .bool(p["scheme"]?.string == "internet-facing"), "protocol": p["protocol"] ?? .null,
                    "tlsPolicy": p["tlsPolicy"] ?? .null, "accessLogs": bool("accessLogs"), "deletionProtection": .bool(true),
                    "dropInvalidHeaders": .bool(true), "waf": .bool(p["scheme"]?.string == "internet-facing"),
                ]
            )
        case "network.cdn":
            return ("network.cdn", ["httpsOnly": bool("httpsOnly"), "waf": bool("waf")])
        case "security.identity":
            let statements: [PolicyValue] = (p["permissions"]?.list ?? []).map { statement in
                .map([
                    "effect": .string(statement["effect"]?.string == "deny" ? "Deny" : "Allow"),
                    "actions": statement["actions"] ?? .list([]), "resources": statement["resources"] ?? .list([]),
                ])
            }
            return ("iam.policy", ["statements": .list(statements), "mfa": bool("mfa")])
        case "security.secret":
            return (
                "security.secret", ["rotation": p["rotation"].flatMap { $0.string.flatMap { Units.seconds(.string($0)) } }.map(PolicyValue.number) ?? .null]
            )
        case "security.certificate":
            return (
                "security.certificate",
                [
                    "keyAlgorithm": p["keyAlgorithm"] ?? .null, "renewBeforeDays": p["renewBeforeDays"] ?? .null,
                    "validation": p["validation"] ?? .null,
                ]
            )
        case "compute.vm":
            return (
                "compute.vm",
                [
                    "publicIp": bool("publicIp"), "encrypted": .bool(true), "imdsv2": .bool(true), "image": p["image"] ?? .null,
                    "monitoring": .bool(true),
                ]
            )
        case "compute.service":
            return (
                "compute.service",
                [
                    "replicas": p["replicas"] ?? .null, "image": p["image"] ?? .null, "env": p["env"] ?? .null,
                    "package": p["package"] ?? .null, "version": p["version"] ?? .null,
                ]
            )
        case "compute.function":
            return ("compute.function", ["runtime": p["runtime"] ?? .null, "concurrency": p["concurrency"] ?? .null, "tracing": .bool(true)])
        case "compute.cluster":
            return (
                "compute.cluster",
                [
                    "privateEndpoint": bool("privateEndpoint"), "version": p["version"] ?? .null, "nodes": p["nodes"] ?? .null,
                    "secretsEncrypted": .bool(true),
                ]
            )
        case "monitoring.alert":
            return ("monitoring.alert", ["severity": p["severity"] ?? .null, "notify": p["notify"] ?? .list([])])
        case "data.warehouse":
            return ("data.warehouse", ["encrypted": .bool(p["encryption"]?.string == "kms"), "retentionDays": p["retentionDays"] ?? .null])
        default:
            return nil
        }
    }
}
