import DharmaCore

extension AWSTerraform {
    /// RDS with encryption, IAM authentication, enhanced monitoring, Performance Insights,
    /// exported logs, deletion protection and a parameter group that logs slow statements.
    func database(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let postgres = r.type == "database.postgres"
        let version = r.string("version") ?? (postgres ? "16" : "8.0")
        var blocks: [HCLBlock] = [
            HCLBlock("resource", ["random_password", n], [.attr("length", 32), .attr("special", false)]),
            resource(
                "aws_db_parameter_group", n,
                [
                    .attr("name_prefix", r.cloudName(c.stack.name, limit: 40) + "-"),
                    .attr("family", postgres ? "postgres\(version)" : "mysql\(version)"),
                ]
                    + (postgres
                        ? [
                            .nested("parameter", [.attr("name", "log_min_duration_statement"), .attr("value", "500")]),
                            .nested("parameter", [.attr("name", "log_statement"), .attr("value", "ddl")]),
                            .nested("parameter", [.attr("name", "rds.force_ssl"), .attr("value", "1")]),
                        ]
                        : [
                            .nested("parameter", [.attr("name", "require_secure_transport"), .attr("value", "ON")]),
                            .nested("parameter", [.attr("name", "slow_query_log"), .attr("value", "1")]),
                        ]) + [tags]),
        ]
        var items: [HCLBlock.Item] = [
            .attr("identifier_prefix", r.cloudName(c.stack.name, limit: 40) + "-"),
            .attr("engine", postgres ? "postgres" : "mysql"),
            .attr("engine_version", version),
            .attr("instance_class", r.string("size") ?? Self.databaseClass(cpu: r.number("cpu") ?? 2, mebibytes: r.mebibytes("memory") ?? 8192)),
            .attr("allocated_storage", r.gibibytes("storage") ?? 20),
            .attr("storage_type", "gp3"),
            .attr("storage_encrypted", r.bool("encrypted", default: true)), .ref("kms_key_id", Self.kmsKey),
            .attr("username", try c.property(r, "username", .string("dharma")) ?? .string("dharma")),
            .ref("password", "random_password.\(n).result"),
            .attr("port", try c.property(r, "port", .int(postgres ? 5432 : 3306)) ?? .null),
            .attr("multi_az", r.bool("highAvailability")),
            .attr("publicly_accessible", r.bool("public")),
            .attr("backup_retention_period", max(1, (r.seconds("backupRetention") ?? 604_800) / 86_400)),
            .attr("deletion_protection", r.bool("deletionProtection", default: true)),
            .attr("skip_final_snapshot", false),
            .attr("final_snapshot_identifier", r.cloudName(c.stack.name, limit: 40) + "-final"),
            .attr("copy_tags_to_snapshot", true),
            .attr("auto_minor_version_upgrade", true),
            .attr("iam_database_authentication_enabled", true),
            .attr("performance_insights_enabled", true), .ref("performance_insights_kms_key_id", Self.kmsKey),
            .attr("monitoring_interval", 60), .ref("monitoring_role_arn", "aws_iam_role.dharma-rds-monitoring.arn"),
            .attr("enabled_cloudwatch_logs_exports", .strings(postgres ? ["postgresql", "upgrade"] : ["audit", "error", "general", "slowquery"])),
            .ref("parameter_group_name", "aws_db_parameter_group.\(n).name"),
        ]
        if let subnets = r.expr("subnets") {
            blocks.append(
                resource(
                    "aws_db_subnet_group", n,
                    [
                        .attr("name_prefix", r.cloudName(c.stack.name, limit: 40) + "-"), .attr("subnet_ids", try c.hcl(subnets)), tags,
                    ]))
            items.append(.ref("db_subnet_group_name", "aws_db_subnet_group.\(n).name"))
        }
        items.append(tags)
        blocks.append(resource("aws_db_instance", n, items))
        return blocks
    }

    /// The smallest general-purpose class with at least the asked vCPUs and memory.
    static func databaseClass(cpu: Double, mebibytes: Int) -> String {
        let classes: [(String, Double, Int)] = [
            ("db.t4g.micro", 2, 1024), ("db.t4g.small", 2, 2048), ("db.t4g.medium", 2, 4096),
            ("db.m6g.large", 2, 8192), ("db.m6g.xlarge", 4, 16_384), ("db.m6g.2xlarge", 8, 32_768),
            ("db.m6g.4xlarge", 16, 65_536), ("db.m6g.8xlarge", 32, 131_072), ("db.m6g.12xlarge", 48, 196_608), ("db.m6g.16xlarge", 64, 262_144),
        ]
        return classes.first { $0.1 >= cpu && $0.2 >= mebibytes }?.0 ?? "db.m6g.16xlarge"
    }

    static func cacheNode(mebibytes: Int) -> String {
        let nodes: [(String, Int)] = [
            ("cache.t4g.micro", 512), ("cache.t4g.small", 1370), ("cache.t4g.medium", 3090), ("cache.m6g.large", 6380),
            ("cache.m6g.xlarge", 12_930), ("cache.m6g.2xlarge", 26_040), ("cache.m6g.4xlarge", 52_260), ("cache.r6g.8xlarge", 209_550),
        ]
        return nodes.first { $0.1 >= mebibytes }?.0 ?? "cache.r6g.16xlarge"
    }

    static func redshiftCapacity(_ size: String?) -> Int {
        ["xsmall": 8, "small": 8, "medium": 32, "large": 64, "xlarge": 128, "2xlarge": 256, "4xlarge": 512][size ?? "small"] ?? 8
    }

    static func certificateKey(_ algorithm: String?) -> String {
        ["ec-p384": "EC_secp384r1", "rsa-2048": "RSA_2048", "rsa-4096": "RSA_4096"][algorithm ?? ""] ?? "EC_prime256v1"
    }

    static func comparison(_ condition: String?) -> String {
        [">=": "GreaterThanOrEqualToThreshold", "<": "LessThanThreshold", "<=": "LessThanOrEqualToThreshold"][condition ?? ">"] ?? "GreaterThanThreshold"
    }
}
