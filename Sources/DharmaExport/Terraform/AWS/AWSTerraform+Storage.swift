import DharmaCore

extension AWSTerraform {
    /// An S3 bucket with the companions that make it safe: public access blocked (unless the
    /// blueprint says `public: true`), KMS encryption, versioning, access logs, a lifecycle.
    func bucket(_ r: ExportResource, _ c: TerraformContext, name n: String, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let isPublic = r.bool("public")
        var bucketItems: [HCLBlock.Item] = []
        if let explicit = r.expr("bucketName") {
            bucketItems.append(.attr("bucket", try c.hcl(explicit)))
        } else {
            bucketItems.append(.attr("bucket_prefix", r.cloudName(c.stack.name, limit: 37) + "-"))
        }
        bucketItems.append(tags)
        var blocks = [
            resource("aws_s3_bucket", n, bucketItems),
            resource(
                "aws_s3_bucket_ownership_controls", n,
                [
                    .ref("bucket", "aws_s3_bucket.\(n).id"), .nested("rule", [.attr("object_ownership", "BucketOwnerEnforced")]),
                ]),
            resource(
                "aws_s3_bucket_public_access_block", n,
                [
                    .ref("bucket", "aws_s3_bucket.\(n).id"),
                    .attr("block_public_acls", true), .attr("ignore_public_acls", true),
                    .attr("block_public_policy", !isPublic), .attr("restrict_public_buckets", !isPublic),
                ]),
            resource(
                "aws_s3_bucket_versioning", n,
                [
                    .ref("bucket", "aws_s3_bucket.\(n).id"),
                    .nested("versioning_configuration", [.attr("status", r.bool("versioning", default: true) ? "Enabled" : "Suspended")]),
                ]),
        ]
        if r.string("encryption") != "none" {
            let kms = r.string("encryption") == "kms" || r.string("encryption") == "provider"
            blocks.append(
                resource(
                    "aws_s3_bucket_server_side_encryption_configuration", n,
                    [
                        .ref("bucket", "aws_s3_bucket.\(n).id"),
                        .nested(
                            "rule",
                            [
                                .nested(
                                    "apply_server_side_encryption_by_default",
                                    kms
                                        ? [.attr("sse_algorithm", "aws:kms"), .ref("kms_master_key_id", Self.kmsKey)]
                                        : [.attr("sse_algorithm", "AES256")]), .attr("bucket_key_enabled", true),
                            ]),
                    ]))
        }
        if r.bool("accessLogs", default: true) {
            blocks.append(
                resource(
                    "aws_s3_bucket_logging", n,
                    [
                        .ref("bucket", "aws_s3_bucket.\(n).id"), .ref("target_bucket", "\(Self.logBucket).id"), .attr("target_prefix", "s3/\(n)/"),
                    ]))
        }
        var rule: [HCLBlock.Item] = [
            .attr("id", "dharma-lifecycle"), .attr("status", "Enabled"), .nested("filter", []),
            .nested("abort_incomplete_multipart_upload", [.attr("days_after_initiation", 7)]),
        ]
        if let days = r.int("retentionDays") {
            rule.append(.nested("expiration", [.attr("days", days)]))
            rule.append(.nested("noncurrent_version_expiration", [.attr("noncurrent_days", days)]))
        }
        blocks.append(resource("aws_s3_bucket_lifecycle_configuration", n, [.ref("bucket", "aws_s3_bucket.\(n).id"), .nested("rule", rule)]))
        // Object events go to EventBridge, where the stack's auditing and automation can react to them.
        blocks.append(resource("aws_s3_bucket_notification", n, [.ref("bucket", "aws_s3_bucket.\(n).id"), .attr("eventbridge", true)]))
        return blocks
    }

    static func volumeType(_ performance: String?) -> String {
        switch performance {
        case "standard": return "sc1"
        case "provisioned-iops": return "io2"
        case "throughput": return "st1"
        default: return "gp3"
        }
    }
}
