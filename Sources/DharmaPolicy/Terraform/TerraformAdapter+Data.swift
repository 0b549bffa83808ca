extension TerraformAdapter {
    static let dataMappings: [String: Mapping] = [
        "aws_db_instance": { db, _ in
            (
                "database",
                [
                    "encrypted": flag(db["storage_encrypted"], default: false),
                    "public": flag(db["publicly_accessible"], default: false),
                    "multiAz": flag(db["multi_az"], default: false),
                    "deletionProtection": flag(db["deletion_protection"], default: false),
                    "iamAuthentication": flag(db["iam_database_authentication_enabled"], default: false),
                    "backupRetentionDays": known(db["backup_retention_period"] ?? .number(1)),
                    "engine": known(db["engine"]),
                    "engineVersion": known(db["engine_version"]),
                    "autoMinorUpgrade": flag(db["auto_minor_version_upgrade"], default: true),
                    "performanceInsights": flag(db["performance_insights_enabled"], default: false),
                    "logging": .bool(!(db["enabled_cloudwatch_logs_exports"]?.list ?? []).isEmpty),
                ]
            )
        },
        "aws_cloudtrail": { trail, _ in
            (
                "logging.trail",
                [
                    "loggingEnabled": flag(trail["enable_logging"], default: true),
                    "logValidation": flag(trail["enable_log_file_validation"], default: false),
                    "multiRegion": flag(trail["is_multi_region_trail"], default: false),
                    "encrypted": .bool(trail["kms_key_id"] != nil),
                ]
            )
        },
    ]
}
