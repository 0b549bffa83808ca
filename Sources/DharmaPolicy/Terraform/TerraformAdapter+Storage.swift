extension TerraformAdapter {
    static let publicACLs: Set<String> = ["public-read", "public-read-write", "website", "authenticated-read"]
    static let encryptionAlgorithms: Set<String> = ["aws:kms", "AES256", "aws:kms:dsse"]

    static let storageMappings: [String: Mapping] = [
        "aws_s3_bucket": { bucket, links in
            let inlineAlgorithm = dig(bucket["server_side_encryption_configuration"], "rule", "apply_server_side_encryption_by_default", "sse_algorithm")
            let encryptionConfigs = links.companions(of: bucket, type: "aws_s3_bucket_server_side_encryption_configuration")
            let encrypted: PolicyValue
            if let inlineAlgorithm {
                encrypted = within(inlineAlgorithm, encryptionAlgorithms)
            } else if encryptionConfigs.isEmpty {
                encrypted = .bool(true)  // S3 encrypts new objects with SSE-S3 by default since January 2023
            } else {
                encrypted = anyOf(
                    encryptionConfigs.map { within(dig($0["rule"], "apply_server_side_encryption_by_default", "sse_algorithm"), encryptionAlgorithms) })
            }
            let versioning = anyOf(
                [equals(dig(bucket["versioning"], "enabled"), .bool(true))]
                    + links.companions(of: bucket, type: "aws_s3_bucket_versioning").map {
                        equals(dig($0["versioning_configuration"], "status"), .string("Enabled"))
                    })
            let blocks = links.companions(of: bucket, type: "aws_s3_bucket_public_access_block").map { block in
                allOf([equals(block["block_public_acls"], .bool(true)), equals(block["block_public_policy"], .bool(true))])
            }
            return (
                "storage.bucket",
                [
                    "encrypted": encrypted,
                    "versioning": versioning,
                    "publicAccessBlocked": blocks.isEmpty ? .bool(false) : anyOf(blocks),
                    "aclPublic": aclPublic(bucket, acls: links.companions(of: bucket, type: "aws_s3_bucket_acl")),
                    "accessLogs": .bool(bucket["logging"] != nil || !links.companions(of: bucket, type: "aws_s3_bucket_logging").isEmpty),
                    "mfaDelete": anyOf(
                        [equals(dig(bucket["versioning"], "mfa_delete"), .bool(true))]
                            + links.companions(of: bucket, type: "aws_s3_bucket_versioning").map {
                                equals(dig($0["versioning_configuration"], "mfa_delete"), .string("Enabled"))
                            }),
                ]
            )
        },
        "google_storage_bucket": { bucket, _ in
            (
                "storage.bucket",
                [
                    "uniformAccess": flag(bucket["uniform_bucket_level_access"], default: false),
                    "publicAccessPrevention": known(bucket["public_access_prevention"]),
                    "versioning": flag(dig(bucket["versioning"], "enabled"), default: false),
                    "accessLogs": .bool(bucket["logging"] != nil),
                    "encrypted": .bool(true),
                ]
            )
        },
        "azurerm_storage_account": { account, _ in
            (
                "storage.account",
                [
                    "httpsOnly": flag(account["enable_https_traffic_only"] ?? account["https_traffic_only_enabled"], default: true),
                    "nestedItemsPublic": flag(account["allow_nested_items_to_be_public"] ?? account["allow_blob_public_access"], default: true),
                    "minimumTls": known(account["min_tls_version"] ?? .string("TLS1_2")),
                    "encrypted": .bool(true),
                    "sharedKey": flag(account["shared_access_key_enabled"], default: true),
                    "publicNetwork": flag(account["public_network_access_enabled"], default: true),
                    "infrastructureEncryption": flag(account["infrastructure_encryption_enabled"], default: false),
                    "geoRedundant": .bool(["GRS", "RAGRS", "GZRS", "RAGZRS"].contains(account["account_replication_type"]?.string ?? "")),
                ]
            )
        },
        "aws_ebs_volume": { volume, _ in
            ("storage.volume", ["encrypted": flag(volume["encrypted"], default: false)])
        },
    ]

    /// True when the bucket's ACL grants the public (or every AWS user) access.
    static func aclPublic(_ bucket: ScannedResource, acls: [ScannedResource]) -> PolicyValue {
        func notPublic(_ acl: PolicyValue?) -> PolicyValue {
            guard let acl else { return .bool(false) }
            guard let text = acl.string else { return .unknown }
            return .bool(!publicACLs.contains(text))
        }
        var passes: [PolicyValue] = []
        if let acl = bucket["acl"] { passes.append(notPublic(acl)) }
        for companion in acls {
            var options: [PolicyValue] = []
            if let acl = companion["acl"] { options.append(notPublic(acl)) }
            if let policy = companion["access_control_policy"] {
                let grants = policy.list?.first?["grant"]?.list ?? []
                let toEveryone = grants.contains { dig($0, "grantee", "uri")?.string == "http://acs.amazonaws.com/groups/global/AllUsers" }
                options.append(.bool(!toEveryone))
            }
            passes.append(anyOf(options))
        }
        if bucket["acl"] == nil && acls.isEmpty { passes.append(.bool(true)) }
        return not(anyOf(passes))
    }

    // MARK: three-valued helpers

    static func within(_ value: PolicyValue?, _ allowed: Set<String>) -> PolicyValue {
        guard let value else { return .bool(false) }
        guard let text = value.string else { return value.isUnknown || TerraformEvaluator.isReference(value) ? .unknown : .bool(false) }
        return .bool(allowed.contains(text))
    }

    static func equals(_ value: PolicyValue?, _ expected: PolicyValue) -> PolicyValue {
        guard let value else { return .bool(false) }
        if value.isUnknown || TerraformEvaluator.isReference(value) { return .unknown }
        if case .bool(let flag) = expected { return value.bool.map { .bool($0 == flag) } ?? .bool(false) }
        return .bool(value.string == expected.string)
    }

    static func anyOf(_ values: [PolicyValue]) -> PolicyValue {
        if values.contains(.bool(true)) { return .bool(true) }
        if values.contains(.unknown) { return .unknown }
        return .bool(false)
    }

    static func allOf(_ values: [PolicyValue]) -> PolicyValue {
        if values.contains(.bool(false)) { return .bool(false) }
        if values.contains(.unknown) { return .unknown }
        return .bool(true)
    }

    static func not(_ value: PolicyValue) -> PolicyValue {
        value.bool.map { .bool(!$0) } ?? .unknown
    }
}
