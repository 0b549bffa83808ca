/// The common model: each resource kind and the normalised properties adapters give it.
/// Rules may only read these, so a misspelt property is an error, not a rule that never fires.
public enum PolicyKinds {
    /// Every kind has these.
    public static let common = ["tags", "name", "region", "geography"]

    public static let properties: [String: [String]] = [
        "storage.bucket": [
            "encrypted", "versioning", "publicAccessBlocked", "aclPublic", "accessLogs", "uniformAccess",
            "publicAccessPrevention", "public", "retentionDays", "encryptionKey", "mfaDelete",
        ],
        "storage.account": [
            "httpsOnly", "nestedItemsPublic", "minimumTls", "encrypted", "sharedKey", "publicNetwork", "infrastructureEncryption", "geoRedundant",
        ],
        "storage.volume": ["encrypted", "encryptionKey", "size"],
        "network.firewall": ["ingress", "egress"],
        "network.firewall.egress": [],
        "network.vpc": ["flowLogs"],
        "network.subnet": ["public"],
        "network.loadbalancer": ["public", "protocol", "tlsPolicy", "accessLogs", "deletionProtection", "waf", "dropInvalidHeaders"],
        "network.cdn": ["httpsOnly", "waf", "tlsPolicy"],
        "network.dns": ["dnssec"],
        "database": [
            "encrypted", "public", "multiAz", "deletionProtection", "iamAuthentication", "backupRetentionDays", "engine",
            "engineVersion", "logging", "performanceInsights", "autoMinorUpgrade", "flags", "tlsRequired", "indexes",
        ],
        "database.nosql": ["encrypted", "pointInTimeRecovery", "encryptionKey"],
        "cache.redis": ["encryptionInTransit", "encryptionAtRest", "authToken", "replicas", "version"],
        "queue": ["encrypted", "encryptionKey", "deadLetter"],
        "logging.trail": ["loggingEnabled", "logValidation", "multiRegion", "encrypted"],
        "iam.policy": ["statements", "mfa"],
        "compute.vm": ["publicIp", "imdsv2", "encrypted", "monitoring", "image", "shieldedVm", "serialPort", "osLogin"],
        "compute.service": ["replicas", "image", "readOnlyRoot", "public", "health", "env", "package", "version"],
        "compute.function": ["runtime", "tracing", "concurrency", "public"],
        "compute.cluster": ["privateEndpoint", "version", "secretsEncrypted", "nodes", "logging", "networkPolicy"],
        "security.secret": ["rotation", "encryptionKey"],
        "security.key": ["rotation"],
        "security.certificate": ["keyAlgorithm", "renewBeforeDays", "validation"],
        "monitoring.alert": ["severity", "notify"],
        "data.warehouse": ["encrypted", "public", "retentionDays"],
        "stack": ["budget", "owner", "environment", "approvals"],
    ]

    public static var all: [String] { properties.keys.sorted() }

    public static func names(for kind: String) -> [String] { (properties[kind] ?? []) + common }
}
