/// The catalog of abstract resource types a blueprint can use.
///
/// Support sets name the providers that have a native service for the type; code generation
/// and provider implementations arrive provider by provider, and `Provider.capabilities` says
/// which of them can already be applied.
public enum ResourceCatalog {
    public static func type(named name: String) -> ResourceType? {
        byName[name]
    }

    public static var names: [String] { all.map(\.name) }

    private static let byName: [String: ResourceType] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    private static let clouds: Set<ProviderName> = [.aws, .azure, .gcp, .alibaba, .ibm, .oracle]
    private static let cloudsAndDO: Set<ProviderName> = clouds.union([.digitalocean])

    public static let all: [ResourceType] = compute + network + storage + data + security + operations

    // MARK: compute

    static let compute: [ResourceType] = [
        ResourceType(
            "compute.vm", "a virtual machine", providers: cloudsAndDO.union([.vsphere, .openstack, .proxmox]),
            outputs: ["privateIp", "publicIp"],
            properties: [
                PropertySchema("size", .string, "provider instance type, e.g. t3.small; chosen from cpu/memory when absent"),
                PropertySchema("cpu", .number(min: 0.25, max: 448), "vCPUs wanted"),
                PropertySchema("memory", .size(min: 128 << 20, max: 24 << 40), "memory wanted, e.g. 4Gi"),
                PropertySchema("image", .string, required: true, forcesReplacement: true, "OS image, e.g. ubuntu-24.04"),
                PropertySchema("disk", .size(min: 1 << 30, max: 64 << 40), default: .string("20Gi"), "root disk size"),
                PropertySchema("subnet", .string, forcesReplacement: true, "subnet to place the VM in"),
                PropertySchema("publicIp", .boolean, default: .bool(false), "attach a public address"),
                PropertySchema("sshKeys", .list(.string), "public SSH keys"),
                PropertySchema("userData", .string, "cloud-init user data"),
                PropertySchema("spot", .boolean, default: .bool(false), "use spot/preemptible capacity"),
                PropertySchema("zone", .string, forcesReplacement: true, "availability zone"),
            ]),
        ResourceType(
            "compute.service", "a long-running service: containers in the cloud, processes locally",
            providers: cloudsAndDO.union([.local, .kubernetes]), outputs: ["url", "port", "ports", "pids"],
            properties: [
                PropertySchema("command", .list(.string), "program and arguments; `${self.port}` is the port given to each replica"),
                PropertySchema("image", .string, "container image (cloud and kubernetes providers)"),
                PropertySchema("replicas", .integer(min: 0, max: 1000), default: .int(1), "number of instances"),
                PropertySchema("port", .port, "fixed port for the first replica; allocated when absent"),
                PropertySchema("env", .map(.string), "environment variables"),
                PropertySchema("workingDir", .string, "working directory, relative to the blueprint"),
                PropertySchema("cpu", .number(min: 0.01, max: 64), "CPU cores per replica"),
                PropertySchema("memory", .size(min: 4 << 20, max: 1 << 40), "memory per replica, e.g. 512Mi"),
                PropertySchema(
                    "health",
                    .object([
                        PropertySchema("http", .string, "HTTP path that answers 2xx when ready, e.g. /healthz"),
                        PropertySchema("tcp", .boolean, "ready once the port accepts connections"),
                        PropertySchema("interval", .duration(min: 0.1, max: 3600), default: .string("1s"), "time between checks"),
                        PropertySchema("timeout", .duration(min: 0.1, max: 3600), default: .string("30s"), "how long to wait for readiness"),
                    ]), "readiness check"),
                PropertySchema("stopGracePeriod", .duration(min: 0, max: 3600), default: .string("10s"), "SIGTERM, then SIGKILL after this long"),
                PropertySchema(
                    "heal",
                    .object([
                        PropertySchema(
                            "scale",
                            .object([
                                PropertySchema("cpu", .percent, default: .string("70%"), "target average CPU utilisation of a replica's `cpu`"),
                                PropertySchema("min", .integer(min: 1, max: 1000), default: .int(1), "fewest replicas"),
                                PropertySchema("max", .integer(min: 1, max: 1000), default: .int(10), "most replicas"),
                                PropertySchema(
                                    "scaleDownAfter", .duration(min: 0, max: 3600), default: .string("5m"),
                                    "stabilisation window: scale in only to the highest replica count recommended over this long"),
                            ]), "horizontal scaling on CPU with the HPA formula; the autopilot owns `replicas` within min…max"),
                        PropertySchema(
                            "patch", .oneOf(["auto", "approve", "off"]), default: .string("approve"),
                            "move `version` to the release fixing an advisory: patch-level ones by itself (`auto`), after approval, or never"),
                    ]), "self-healing settings for the autopilot"),
                PropertySchema("backups", .list(.string), "URLs the service's proxy fails over to while no replica is healthy"),
                PropertySchema("version", .string, "version of the software the service runs"),
                PropertySchema("package", .string, "the software as ECOSYSTEM/NAME (e.g. PyPI/flask), matched with `version` against advisory feeds"),
                PropertySchema(
                    "slo", ServiceLevelObjective.kind,
                    "service-level objectives, over the stack's `metadata.slo`; the service then always runs behind its proxy, which measures them"),
            ]),
        ResourceType(
            "compute.function", "a serverless function", providers: clouds, outputs: ["url", "arn"],
            properties: [
                PropertySchema(
                    "runtime",
                    .oneOf(["nodejs20.x", "nodejs22.x", "python3.11", "python3.12", "python3.13", "java21", "go1.x", "dotnet8", "ruby3.3", "provided.al2023"]),
                    required: true, "language runtime"),
                PropertySchema("handler", .string, required: true, "entry point, e.g. app.handler"),
                PropertySchema("source", .string, required: true, "path to the code archive or directory"),
                PropertySchema("memory", .size(min: 128 << 20, max: 10 << 30), default: .string("256Mi"), "memory"),
                PropertySchema("timeout", .duration(min: 1, max: 900), default: .string("30s"), "maximum run time"),
                PropertySchema("env", .map(.string), "environment variables"),
                PropertySchema("concurrency", .integer(min: 1, max: 10_000), "reserved concurrency"),
            ]),
        ResourceType(
            "compute.cluster", "a managed Kubernetes cluster", providers: cloudsAndDO.union([.openstack]),
            outputs: ["endpoint", "kubeconfig"],
            properties: [
                PropertySchema("version", .string, default: .string("1.31"), "Kubernetes version"),
                PropertySchema("nodeSize", .string, "instance type of the default node pool"),
                PropertySchema("nodes", .integer(min: 1, max: 1000), default: .int(3), "nodes in the default pool"),
                PropertySchema("minNodes", .integer(min: 0, max: 1000), "autoscaling minimum"),
                PropertySchema("maxNodes", .integer(min: 1, max: 5000), "autoscaling maximum"),
                PropertySchema("subnet", .string, forcesReplacement: true, "subnet for the nodes"),
                PropertySchema("privateEndpoint", .boolean, default: .bool(true), "API server reachable only privately"),
            ]),
    ]

    // MARK: network

    static let network: [ResourceType] = [
        ResourceType(
            "network.vpc", "a private network", providers: cloudsAndDO.union([.openstack]), outputs: [],
            properties: [
                PropertySchema("cidr", .cidr, required: true, forcesReplacement: true, "address range, e.g. 10.0.0.0/16"),
                PropertySchema("flowLogs", .boolean, default: .bool(true), "record network flow logs"),
                PropertySchema("dnsHostnames", .boolean, default: .bool(true), "assign DNS names to instances"),
            ]),
        ResourceType(
            "network.subnet", "a subnet of a private network", providers: clouds.union([.openstack]), outputs: [],
            properties: [
                PropertySchema("vpc", .string, required: true, forcesReplacement: true, "the network, usually `${vpc.id}`"),
                PropertySchema("cidr", .cidr, required: true, forcesReplacement: true, "address range inside the VPC"),
                PropertySchema("zone", .string, forcesReplacement: true, "availability zone"),
                PropertySchema("public", .boolean, default: .bool(false), "instances get public addresses"),
            ]),
        ResourceType(
            "network.firewall", "ingress/egress rules", providers: cloudsAndDO.union([.openstack, .kubernetes]), outputs: [],
            properties: [
                PropertySchema("vpc", .string, "the network the rules apply to"),
                PropertySchema(
                    "ingress",
                    .list(
                        .object([
                            PropertySchema("port", .port, "single port"),
                            PropertySchema("ports", .string, "port range such as 8000-8100"),
                            PropertySchema("protocol", .oneOf(["tcp", "udp", "icmp", "all"]), default: .string("tcp"), "protocol"),
                            PropertySchema("from", .list(.string), required: true, "source CIDR blocks or references"),
                            PropertySchema("description", .string, "why this rule exists"),
                        ])), "allowed inbound traffic"),
                PropertySchema(
                    "egress",
                    .list(
                        .object([
                            PropertySchema("port", .port, "single port"),
                            PropertySchema("ports", .string, "port range"),
                            PropertySchema("protocol", .oneOf(["tcp", "udp", "icmp", "all"]), default: .string("all"), "protocol"),
                            PropertySchema("to", .list(.string), required: true, "destination CIDR blocks"),
                        ])), "allowed outbound traffic"),
            ]),
        ResourceType(
            "network.loadbalancer", "a layer 4/7 load balancer", providers: cloudsAndDO.union([.openstack, .kubernetes]),
            outputs: ["dnsName", "url"],
            properties: [
                PropertySchema("scheme", .oneOf(["internal", "internet-facing"]), default: .string("internal"), forcesReplacement: true, "who can reach it"),
                PropertySchema("protocol", .oneOf(["http", "https", "tcp", "udp"]), default: .string("https"), "listener protocol"),
                PropertySchema("port", .port, default: .int(443), "listener port"),
                PropertySchema("targets", .list(.string), "backends, usually references to services or VMs"),
                PropertySchema("certificate", .string, "certificate for https listeners"),
                PropertySchema("healthPath", .string, default: .string("/healthz"), "health check path"),
                PropertySchema("subnets", .list(.string), "subnets to place it in"),
                PropertySchema("tlsPolicy", .oneOf(["tls1.2", "tls1.3"]), default: .string("tls1.2"), "minimum TLS version"),
                PropertySchema("accessLogs", .boolean, default: .bool(true), "write access logs"),
            ]),
        ResourceType(
            "network.dns", "a DNS zone and its records", providers: cloudsAndDO, outputs: ["nameServers"],
            properties: [
                PropertySchema("zone", .string, required: true, forcesReplacement: true, "domain, e.g. example.com"),
                PropertySchema("private", .boolean, default: .bool(false), "private zone"),
                PropertySchema(
                    "records",
                    .list(
                        .object([
                            PropertySchema("name", .string, required: true, "record name"),
                            PropertySchema("type", .oneOf(["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA"]), required: true, "record type"),
                            PropertySchema("ttl", .duration(min: 1, max: 604_800), default: .string("300s"), "time to live"),
                            PropertySchema("values", .list(.string), required: true, "record values"),
                        ])), "records in the zone"),
            ]),
        ResourceType(
            "network.cdn", "a content delivery network distribution", providers: [.aws, .azure, .gcp, .alibaba],
            outputs: ["domainName"],
            properties: [
                PropertySchema("origin", .string, required: true, "origin host or reference"),
                PropertySchema("aliases", .list(.string), "custom domain names"),
                PropertySchema("certificate", .string, "certificate for the aliases"),
                PropertySchema("httpsOnly", .boolean, default: .bool(true), "redirect HTTP to HTTPS"),
                PropertySchema("cacheTtl", .duration(min: 0, max: 31_536_000), default: .string("1h"), "default cache lifetime"),
                PropertySchema("waf", .boolean, default: .bool(false), "attach a web application firewall"),
            ]),
    ]

    // MARK: storage

    static let storage: [ResourceType] = [
        ResourceType(
            "storage.bucket", "object storage (a directory on the local provider)",
            providers: cloudsAndDO.union([.local, .openstack]), outputs: ["path", "url"],
            properties: [
                PropertySchema("path", .string, forcesReplacement: true, "local provider: directory, relative to the blueprint"),
                PropertySchema("bucketName", .string, forcesReplacement: true, "globally unique name; derived from the stack when absent"),
                PropertySchema("versioning", .boolean, default: .bool(true), "keep old versions of objects"),
                PropertySchema("encryption", .oneOf(["provider", "kms", "none"]), default: .string("provider"), "encryption at rest"),
                PropertySchema("public", .boolean, default: .bool(false), "allow public reads"),
                PropertySchema("retentionDays", .integer(min: 1, max: 36_500), "delete objects after this many days"),
                PropertySchema("accessLogs", .boolean, default: .bool(true), "record access logs"),
            ]),
        ResourceType(
            "storage.volume", "a block storage volume (a loop-mounted ext4 image on the local provider)",
            providers: cloudsAndDO.union([.vsphere, .openstack, .kubernetes, .local]),
            outputs: ["path"],
            properties: [
                PropertySchema("size", .size(min: 1 << 30, max: 64 << 40), required: true, "capacity, e.g. 100Gi"),
                PropertySchema("class", .oneOf(["standard", "ssd", "provisioned-iops", "throughput"]), default: .string("ssd"), "performance class"),
                PropertySchema("iops", .integer(min: 100, max: 256_000), "provisioned IOPS"),
                PropertySchema("encrypted", .boolean, default: .bool(true), "encryption at rest"),
                PropertySchema("zone", .string, forcesReplacement: true, "availability zone"),
                PropertySchema("attachTo", .string, "VM to attach to"),
            ]),
        ResourceType(
            "storage.file", "a file with given content (a ConfigMap on kubernetes)", providers: [.local, .kubernetes], outputs: ["sha256"],
            properties: [
                PropertySchema("path", .string, required: true, forcesReplacement: true, "file path, relative to the blueprint"),
                PropertySchema("content", .string, default: .string(""), "file content"),
                PropertySchema("mode", .string, default: .string("0644"), "permission bits in octal, e.g. 0644"),
            ]),
    ]

    // MARK: data

    static let data: [ResourceType] = [
        database(
            "database.postgres", "a managed PostgreSQL database", versions: ["13", "14", "15", "16", "17"], defaultVersion: "16",
            providers: cloudsAndDO.union([.local]), port: 5432,
            // What the local runtime's server adds: the password lives in a libpq password file.
            extraOutputs: ["host", "database", "username", "passfile"],
            extraProperties: [
                PropertySchema(
                    "heal",
                    .object([
                        PropertySchema(
                            "indexes", .oneOf(["auto", "approve", "off"]), default: .string("approve"),
                            "create the index a slow sequential-scan query lacks: by itself, after `dharma incident ID --approve`, or never"),
                        PropertySchema(
                            "slowQuery", .duration(min: 0.001, max: 3600), default: .string("100ms"),
                            "a query is slow when its mean execution time is above this"),
                    ]), "self-healing settings for the autopilot (local runtime)")
            ]),
        database(
            "database.mysql", "a managed MySQL database", versions: ["8.0", "8.4"], defaultVersion: "8.0",
            providers: cloudsAndDO, port: 3306),
        ResourceType(
            "database.nosql", "a managed key-value / document table", providers: clouds, outputs: ["endpoint", "arn"],
            properties: [
                PropertySchema("partitionKey", .string, required: true, forcesReplacement: true, "partition key attribute"),
                PropertySchema("sortKey", .string, forcesReplacement: true, "sort key attribute"),
                PropertySchema("billing", .oneOf(["on-demand", "provisioned"]), default: .string("on-demand"), "capacity mode"),
                PropertySchema("readCapacity", .integer(min: 1, max: 40_000), "provisioned reads per second"),
                PropertySchema("writeCapacity", .integer(min: 1, max: 40_000), "provisioned writes per second"),
                PropertySchema("pointInTimeRecovery", .boolean, default: .bool(true), "continuous backups"),
                PropertySchema("encryption", .oneOf(["provider", "kms"]), default: .string("provider"), "encryption at rest"),
                PropertySchema("ttlAttribute", .string, "attribute holding an expiry time"),
            ]),
        ResourceType(
            "cache.redis", "a managed Redis-compatible cache", providers: cloudsAndDO, outputs: ["endpoint", "port"],
            properties: [
                PropertySchema("version", .oneOf(["6.2", "7.0", "7.1", "7.2"]), default: .string("7.1"), "engine version"),
                PropertySchema("size", .string, "node type"),
                PropertySchema("memory", .size(min: 256 << 20, max: 1 << 40), default: .string("1Gi"), "memory wanted"),
                PropertySchema("replicas", .integer(min: 0, max: 5), default: .int(1), "read replicas"),
                PropertySchema("encryptionInTransit", .boolean, default: .bool(true), "TLS between clients and nodes"),
                PropertySchema("encryptionAtRest", .boolean, default: .bool(true), "encrypt snapshots and data"),
                PropertySchema("authToken", .string, sensitive: true, "AUTH token"),
            ]),
        ResourceType(
            "queue.queue", "a message queue", providers: clouds.subtracting([.ibm]), outputs: ["url", "arn"],
            properties: [
                PropertySchema("fifo", .boolean, default: .bool(false), forcesReplacement: true, "first-in-first-out ordering"),
                PropertySchema("visibilityTimeout", .duration(min: 0, max: 43_200), default: .string("30s"), "hide a received message for this long"),
                PropertySchema("retention", .duration(min: 60, max: 1_209_600), default: .string("4d"), "keep unconsumed messages this long"),
                PropertySchema("deadLetterAfter", .integer(min: 1, max: 1000), "move to a dead-letter queue after this many receives"),
                PropertySchema("encryption", .oneOf(["provider", "kms"]), default: .string("provider"), "encryption at rest"),
            ]),
        ResourceType(
            "queue.topic", "a publish/subscribe topic", providers: [.aws, .azure, .gcp, .alibaba, .oracle], outputs: ["arn"],
            properties: [
                PropertySchema("subscribers", .list(.string), "endpoints or queues that receive messages"),
                PropertySchema("fifo", .boolean, default: .bool(false), forcesReplacement: true, "ordered delivery"),
                PropertySchema("encryption", .oneOf(["provider", "kms"]), default: .string("provider"), "encryption at rest"),
            ]),
        ResourceType(
            "data.warehouse", "an analytical data warehouse", providers: [.aws, .azure, .gcp, .snowflake, .databricks],
            outputs: ["endpoint"],
            properties: [
                PropertySchema(
                    "size", .oneOf(["xsmall", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge"]), default: .string("small"), "compute size"),
                PropertySchema("autoSuspend", .duration(min: 60, max: 86_400), default: .string("10m"), "suspend when idle this long"),
                PropertySchema("retentionDays", .integer(min: 0, max: 90), default: .int(1), "time-travel retention"),
                PropertySchema("encryption", .oneOf(["provider", "kms"]), default: .string("provider"), "encryption at rest"),
            ]),
    ]

    static func database(
        _ name: String, _ summary: String, versions: [String], defaultVersion: String,
        providers: Set<ProviderName>, port: Int, extraOutputs: [String] = [], extraProperties: [PropertySchema] = []
    ) -> ResourceType {
        ResourceType(
            name, summary, providers: providers, outputs: ["endpoint", "port", "url"] + extraOutputs,
            properties: extraProperties + [
                PropertySchema("version", .oneOf(versions), default: .string(defaultVersion), "engine major version"),
                PropertySchema("size", .string, "instance class; chosen from cpu/memory when absent"),
                PropertySchema("cpu", .number(min: 0.5, max: 128), "vCPUs wanted"),
                PropertySchema("memory", .size(min: 512 << 20, max: 4 << 40), "memory wanted"),
                PropertySchema("storage", .size(min: 1 << 30, max: 64 << 40), default: .string("20Gi"), "allocated storage"),
                PropertySchema("port", .port, default: .int(port), "listener port"),
                PropertySchema("highAvailability", .boolean, default: .bool(false), "standby in another zone"),
                PropertySchema("backupRetention", .duration(min: 0, max: 35 * 86_400), default: .string("7d"), "keep automated backups this long"),
                PropertySchema("encrypted", .boolean, default: .bool(true), "encryption at rest"),
                PropertySchema("public", .boolean, default: .bool(false), "reachable from the internet"),
                PropertySchema("subnets", .list(.string), "subnets to place it in"),
                PropertySchema("username", .string, default: .string("dharma"), "administrator name"),
                PropertySchema("password", .string, sensitive: true, "administrator password; generated when absent"),
                PropertySchema("deletionProtection", .boolean, default: .bool(true), "refuse deletion while set"),
            ])
    }

    // MARK: security

    static let security: [ResourceType] = [
        ResourceType(
            "security.certificate", "a TLS certificate (issued by Dharma's internal CA on the local provider)",
            providers: [.aws, .azure, .gcp, .digitalocean, .local],
            outputs: ["arn", "notAfter", "certificatePath", "keyPath", "caPath", "serial"],
            properties: [
                PropertySchema("domains", .list(.string), required: true, forcesReplacement: true, "DNS names it covers"),
                PropertySchema("validation", .oneOf(["dns", "email", "internal"]), default: .string("dns"), "how ownership is proven"),
                PropertySchema("keyAlgorithm", .oneOf(["ec-p256", "ec-p384", "rsa-2048", "rsa-4096", "ml-dsa-65"]), default: .string("ec-p256"), "key type"),
                PropertySchema("renewBeforeDays", .integer(min: 1, max: 365), default: .int(30), "renew this long before expiry"),
                PropertySchema(
                    "validity", .duration(min: 3600, max: 825 * 86_400), default: .string("90d"), "lifetime of an issued certificate (local provider)"),
            ]),
        ResourceType(
            "security.secret", "a secret value (a mode-0600 file on the local provider)",
            providers: clouds.union([.local, .kubernetes, .databricks]), outputs: ["path", "arn"],
            properties: [
                PropertySchema("path", .string, forcesReplacement: true, "local provider: file path, relative to the blueprint"),
                PropertySchema("value", .string, sensitive: true, "the secret; generated when absent"),
                PropertySchema("length", .integer(min: 8, max: 4096), default: .int(32), "length of a generated value"),
                PropertySchema("rotation", .duration(min: 3600, max: 31_536_000), "rotate this often"),
            ]),
        ResourceType(
            "security.identity", "a workload identity / role with permissions",
            providers: clouds.union([.kubernetes, .snowflake, .databricks]), outputs: ["arn"],
            properties: [
                PropertySchema("assumedBy", .list(.string), "services or principals allowed to use it"),
                PropertySchema(
                    "permissions",
                    .list(
                        .object([
                            PropertySchema("actions", .list(.string), required: true, "allowed actions, e.g. s3:GetObject"),
                            PropertySchema("resources", .list(.string), required: true, "resources the actions apply to"),
                            PropertySchema("effect", .oneOf(["allow", "deny"]), default: .string("allow"), "allow or deny"),
                        ])), "permission statements"),
                PropertySchema("mfa", .boolean, default: .bool(false), "require MFA to assume"),
            ]),
    ]

    // MARK: operations

    static let operations: [ResourceType] = [
        ResourceType(
            "monitoring.alert", "an alert on a metric", providers: cloudsAndDO.subtracting([.ibm]), outputs: [],
            properties: [
                PropertySchema("metric", .string, required: true, "metric name, e.g. cpu"),
                PropertySchema("resource", .string, "the resource watched"),
                PropertySchema("condition", .oneOf([">", ">=", "<", "<="]), default: .string(">"), "comparison"),
                PropertySchema("threshold", .number(), required: true, "value that fires the alert"),
                PropertySchema("for", .duration(min: 0, max: 86_400), default: .string("5m"), "how long the condition must hold"),
                PropertySchema("severity", .oneOf(["info", "warning", "critical"]), default: .string("warning"), "severity"),
                PropertySchema("notify", .list(.string), "where notifications go"),
            ])
    ]
}

extension ResourceCatalog {
    /// The types `provider` offers: what validate accepts for it, and what its Terraform mapping
    /// must generate (a test walks every pair).
    public static func types(offeredBy provider: ProviderName) -> Set<String> {
        Set(all.filter { $0.providers.contains(provider) }.map(\.name))
    }
}
