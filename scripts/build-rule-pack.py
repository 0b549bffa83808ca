#!/usr/bin/env python3
"""Builds Sources/DharmaPolicy/Resources/rules.yaml, Dharma's built-in rule pack.

Each rule names the framework controls it supports. The control sets below are the
requirements each kind of safeguard addresses (e.g. encryption at rest: ISO/IEC 27001:2022
A.8.24 "Use of cryptography", NIST SP 800-53 rev 5 SC-28, PCI DSS 4.0 3.5.1, HIPAA
164.312(a)(2)(iv)); CIS references are the recommendation numbers of the CIS AWS Foundations
Benchmark v3.0, Azure v2.1 and GCP v2.0 where one exists. `equivalents` are the Checkov check
ids that test the same thing, so suppressions carry over. Re-run after editing:
`python3 scripts/build-rule-pack.py`.
"""
import os

CONTROLS = {
    "at-rest": {"soc2": ["CC6.1", "CC6.7"], "iso27001": ["A.8.24"], "hipaa": ["164.312(a)(2)(iv)"], "pci-dss": ["3.5.1"],
                "nist-800-53": ["SC-28", "SC-28(1)"], "gdpr": ["Art.32(1)(a)"], "fedramp": ["SC-28", "SC-28(1)"]},
    "in-transit": {"soc2": ["CC6.7"], "iso27001": ["A.8.24", "A.5.14"], "hipaa": ["164.312(e)(1)", "164.312(e)(2)(ii)"], "pci-dss": ["4.2.1"],
                   "nist-800-53": ["SC-8", "SC-8(1)", "SC-13"], "gdpr": ["Art.32(1)(a)"], "fedramp": ["SC-8", "SC-8(1)"]},
    "exposure": {"soc2": ["CC6.1", "CC6.6"], "iso27001": ["A.8.20", "A.8.22"], "hipaa": ["164.312(a)(1)"], "pci-dss": ["1.3.1", "1.4.1"],
                 "nist-800-53": ["AC-3", "SC-7"], "gdpr": ["Art.25(2)", "Art.32(1)(b)"], "fedramp": ["AC-3", "SC-7"]},
    "admin-ports": {"soc2": ["CC6.6"], "iso27001": ["A.8.20", "A.8.21"], "hipaa": ["164.312(a)(1)"], "pci-dss": ["1.3.1", "1.4.2"],
                    "nist-800-53": ["SC-7", "AC-17"], "gdpr": ["Art.32(1)(b)"], "fedramp": ["SC-7", "AC-17"]},
    "least-privilege": {"soc2": ["CC6.3"], "iso27001": ["A.5.15", "A.8.2"], "hipaa": ["164.308(a)(4)(ii)(B)"], "pci-dss": ["7.2.1", "7.2.2"],
                        "nist-800-53": ["AC-6", "AC-6(1)"], "gdpr": ["Art.25(2)"], "fedramp": ["AC-6", "AC-6(1)"]},
    "authentication": {"soc2": ["CC6.1"], "iso27001": ["A.8.5"], "hipaa": ["164.312(d)"], "pci-dss": ["8.3.1", "8.4.2"],
                       "nist-800-53": ["IA-2", "IA-2(1)"], "gdpr": ["Art.32(1)(b)"], "fedramp": ["IA-2", "IA-2(1)"]},
    "logging": {"soc2": ["CC7.2"], "iso27001": ["A.8.15", "A.8.16"], "hipaa": ["164.312(b)"], "pci-dss": ["10.2.1"],
                "nist-800-53": ["AU-2", "AU-12"], "gdpr": ["Art.30", "Art.33"], "fedramp": ["AU-2", "AU-12"]},
    "log-integrity": {"soc2": ["CC7.2"], "iso27001": ["A.8.15"], "hipaa": ["164.312(c)(1)"], "pci-dss": ["10.3.4"],
                      "nist-800-53": ["AU-9"], "gdpr": ["Art.32(1)(b)"], "fedramp": ["AU-9"]},
    "backup": {"soc2": ["A1.2"], "iso27001": ["A.8.13"], "hipaa": ["164.308(a)(7)(ii)(A)"], "pci-dss": ["12.10.1"],
               "nist-800-53": ["CP-9"], "gdpr": ["Art.32(1)(c)"], "fedramp": ["CP-9"]},
    "availability": {"soc2": ["A1.2"], "iso27001": ["A.8.14"], "hipaa": ["164.308(a)(7)(ii)(B)"], "pci-dss": ["12.10.1"],
                     "nist-800-53": ["CP-10", "SC-36"], "gdpr": ["Art.32(1)(b)"], "fedramp": ["CP-10"]},
    "integrity": {"soc2": ["CC8.1"], "iso27001": ["A.8.32"], "hipaa": ["164.312(c)(1)"], "pci-dss": ["6.5.1"],
                  "nist-800-53": ["CM-3", "SI-7"], "gdpr": ["Art.32(1)(b)"], "fedramp": ["CM-3"]},
    "keys": {"soc2": ["CC6.1"], "iso27001": ["A.8.24"], "hipaa": ["164.312(a)(2)(iv)"], "pci-dss": ["3.6.1", "3.7.4"],
             "nist-800-53": ["SC-12"], "gdpr": ["Art.32(1)(a)"], "fedramp": ["SC-12"]},
    "patching": {"soc2": ["CC7.1"], "iso27001": ["A.8.8"], "hipaa": ["164.308(a)(5)(ii)(B)"], "pci-dss": ["6.3.3"],
                 "nist-800-53": ["SI-2"], "gdpr": ["Art.32(1)(d)"], "fedramp": ["SI-2"]},
    "monitoring": {"soc2": ["CC7.2", "CC7.3"], "iso27001": ["A.8.16"], "hipaa": ["164.308(a)(1)(ii)(D)"], "pci-dss": ["10.4.1"],
                   "nist-800-53": ["SI-4", "AU-6"], "gdpr": ["Art.33"], "fedramp": ["SI-4"]},
    "inventory": {"soc2": ["CC2.1"], "iso27001": ["A.5.9"], "hipaa": ["164.310(d)(1)"], "pci-dss": ["12.5.1"],
                  "nist-800-53": ["CM-8"], "gdpr": ["Art.30"], "fedramp": ["CM-8"]},
    "residency": {"soc2": ["C1.1"], "iso27001": ["A.5.34"], "nist-800-53": ["SA-9(5)"], "gdpr": ["Art.44", "Art.46"], "fedramp": ["SA-9(5)"]},
    "change": {"soc2": ["CC8.1"], "iso27001": ["A.8.32"], "hipaa": ["164.308(a)(1)(ii)(B)"], "pci-dss": ["6.5.1"],
               "nist-800-53": ["CM-3", "CM-5"], "gdpr": ["Art.24"], "fedramp": ["CM-3"]},
}

ADMIN_PORTS = [(22, "SSH", "CKV_AWS_24", "CKV_AZURE_10", "CKV_GCP_2", "5.2", "6.2", "3.6"),
               (3389, "RDP", "CKV_AWS_25", "CKV_AZURE_9", "CKV_GCP_3", "5.2", "6.1", "3.7")]
OTHER_PORTS = [(21, "FTP"), (23, "Telnet"), (445, "SMB"), (1433, "SQL Server"), (1521, "Oracle"), (3306, "MySQL"), (5432, "PostgreSQL"),
               (5601, "Kibana"), (6379, "Redis"), (9200, "Elasticsearch"), (11211, "Memcached"), (27017, "MongoDB"), (2375, "Docker API"),
               (10250, "Kubelet"), (8080, "HTTP alternate"), (5900, "VNC"), (135, "RPC"), (137, "NetBIOS"), (161, "SNMP"), (389, "LDAP"),
               (2379, "etcd"), (5984, "CouchDB"), (9042, "Cassandra"), (50070, "Hadoop NameNode"),
               (20, "FTP data"), (25, "SMTP"), (53, "DNS"), (110, "POP3"), (143, "IMAP"), (111, "portmapper"), (512, "rexec"), (513, "rlogin"),
               (514, "rsh"), (873, "rsync"), (1434, "SQL Server Browser"), (2049, "NFS"), (3000, "Grafana / development servers"),
               (4333, "mSQL"), (5000, "development servers"), (5672, "AMQP"), (6443, "Kubernetes API"), (7001, "WebLogic"),
               (8000, "HTTP development servers"), (8888, "notebooks"), (9000, "SonarQube / MinIO"), (9092, "Kafka"), (9300, "Elasticsearch transport"),
               (15672, "RabbitMQ management"), (27018, "MongoDB shard"), (61616, "ActiveMQ"), (2376, "Docker TLS API"), (10255, "Kubelet read-only")]

RULES = []


def rule(id, title, severity, kinds, assertion, controls, description, remediation, providers=(), when=None, equivalents=(), cis=()):
    frameworks = {}
    for name in controls:
        for framework, ids in CONTROLS[name].items():
            frameworks.setdefault(framework, [])
            for control in ids:
                if control not in frameworks[framework]:
                    frameworks[framework].append(control)
    if cis:
        frameworks["cis"] = list(cis)
    RULES.append(dict(id=id, title=title, severity=severity, kinds=list(kinds), providers=list(providers), when=when,
                      assertion=assertion, frameworks=frameworks, equivalents=list(equivalents),
                      description=description, remediation=remediation))


def port_open(port):
    return f"!any(ingress, open && any(ports, fromPort <= {port} && toPort >= {port}))"


# Network exposure
for port, name, aws, azure, gcp, cis_aws, cis_azure, cis_gcp in ADMIN_PORTS:
    rule(f"DH-NET-{port}", f"No ingress from the internet to {name} (port {port})", "high", ["network.firewall"], port_open(port),
         ["admin-ports"], f"A firewall rule opens {name} to 0.0.0.0/0 or ::/0; remote administration must come from known networks.",
         f"Restrict port {port} to a bastion, VPN or the administrators' address ranges.", equivalents=[aws, azure, gcp],
         cis=[f"AWS {cis_aws}", f"Azure {cis_azure}", f"GCP {cis_gcp}"])
for port, name in OTHER_PORTS:
    rule(f"DH-NET-{port}", f"No ingress from the internet to {name} (port {port})", "high" if port not in (8080,) else "medium",
         ["network.firewall"], port_open(port), ["exposure"],
         f"A firewall rule opens {name} to the whole internet; services like this are a common entry point.",
         f"Allow port {port} only from the networks that need it.")
rule("DH-NET-ALL", "No ingress from the internet to every port", "critical", ["network.firewall"],
     "!any(ingress, open && any(ports, fromPort <= 0 && toPort >= 65535))", ["exposure"],
     "A rule opens all ports to the internet.", "List the ports the service needs and the sources allowed.")
rule("DH-NET-EGRESS", "Egress is limited to what is needed", "low", ["network.firewall"],
     "!any(egress, open && any(ports, fromPort <= 0 && toPort >= 65535))", ["exposure"],
     "Unrestricted egress lets a compromised workload reach anywhere.", "Allow egress only to the destinations and ports needed.")
rule("DH-VPC-FLOWLOGS", "Flow logs are enabled on every network", "medium", ["network.vpc"], "flowLogs == true", ["logging"],
     "Without flow logs there is no record of who talked to what.", "Enable flow logs to a log bucket or log group.",
     equivalents=["CKV2_AWS_11"], cis=["AWS 3.7", "GCP 3.8"])
rule("DH-SUBNET-PUBLIC", "Subnets do not assign public addresses unless asked", "medium", ["network.subnet"], "public == false", ["exposure"],
     "Instances in a public subnet get internet-routable addresses.", "Use private subnets behind a load balancer or NAT.",
     equivalents=["CKV_AWS_130"])

# Load balancers and edges
rule("DH-LB-TLS", "Load balancers require TLS 1.2 or newer", "high", ["network.loadbalancer"],
     'protocol != "https" || tlsPolicy in ["tls1.2", "tls1.3"]', ["in-transit"],
     "Older TLS versions have known weaknesses.", "Use a TLS 1.2+ (or TLS 1.3 only) security policy.", equivalents=["CKV_AWS_103"])
rule("DH-LB-HTTPS", "Internet-facing load balancers use HTTPS", "high", ["network.loadbalancer"],
     'public == false || protocol in ["https", "tcp", "udp"]', ["in-transit"],
     "Plain HTTP on the internet exposes credentials and data.", "Listen on HTTPS and redirect HTTP to it.", equivalents=["CKV_AWS_2"])
rule("DH-LB-LOGS", "Load balancers write access logs", "medium", ["network.loadbalancer"], "accessLogs == true", ["logging"],
     "Access logs are needed to investigate incidents.", "Enable access logs.", equivalents=["CKV_AWS_91"])
rule("DH-CDN-HTTPS", "CDNs redirect HTTP to HTTPS", "medium", ["network.cdn"], "httpsOnly == true", ["in-transit"],
     "Viewers can be served over plain HTTP.", "Set the viewer protocol policy to redirect-to-https.", equivalents=["CKV_AWS_34"])
rule("DH-CDN-WAF", "CDNs have a web application firewall", "medium", ["network.cdn"], "waf == true", ["exposure"],
     "Without a WAF, common web attacks reach the origin.", "Attach a WAF.", equivalents=["CKV_AWS_68"])

# Storage
rule("DH-BKT-ENCRYPTION", "Object storage is encrypted at rest", "high", ["storage.bucket"], "encrypted == true", ["at-rest"],
     "Objects are stored unencrypted.", "Enable server-side encryption (KMS or provider-managed keys).",
     equivalents=["CKV_AWS_19"], cis=["AWS 2.1.1"])
rule("DH-BKT-VERSIONING", "Object storage keeps versions", "medium", ["storage.bucket"], "versioning == true", ["backup", "integrity"],
     "Without versioning an overwrite or delete cannot be undone.", "Enable versioning.", equivalents=["CKV_AWS_21"])
rule("DH-BKT-PAB", "Buckets block public access", "high", ["storage.bucket"], "publicAccessBlocked == true", ["exposure"],
     "An S3 bucket without a public access block can be made public by a policy or ACL.",
     "Add an aws_s3_bucket_public_access_block with block_public_acls and block_public_policy.", providers=["aws"],
     equivalents=["CKV2_AWS_6"], cis=["AWS 2.1.4"])
rule("DH-BKT-ACL", "Bucket ACLs do not grant public read", "high", ["storage.bucket"], "aclPublic == false", ["exposure"],
     "The bucket's ACL lets anyone (or any AWS user) read it.", "Use a private ACL, or disable ACLs with BucketOwnerEnforced.",
     providers=["aws"], equivalents=["CKV_AWS_20"])
rule("DH-BKT-UNIFORM", "Buckets use uniform bucket-level access", "medium", ["storage.bucket"], "uniformAccess == true", ["least-privilege"],
     "Per-object ACLs make access hard to audit.", "Set uniform_bucket_level_access = true.", providers=["gcp"],
     equivalents=["CKV_GCP_29"], cis=["GCP 5.2"])
rule("DH-BKT-PAP", "Buckets enforce public access prevention", "high", ["storage.bucket"], 'publicAccessPrevention == "enforced"',
     ["exposure"], "The bucket can be made public.", "Set public_access_prevention = \"enforced\".", providers=["gcp"],
     equivalents=["CKV_GCP_114"], cis=["GCP 5.1"])
rule("DH-BKT-PUBLIC", "Buckets are not public unless the blueprint says so", "high", ["storage.bucket"], "public != true", ["exposure"],
     "The bucket allows public reads.", "Remove `public: true`, or waive this rule with a justification.")
rule("DH-BKT-LOGS", "Object storage records access logs", "low", ["storage.bucket"], "accessLogs == true", ["logging"],
     "Reads and writes of objects are not recorded.", "Enable server access logging.", equivalents=["CKV_AWS_18", "CKV_GCP_62"],
     cis=["AWS 3.6"])
rule("DH-STA-HTTPS", "Storage accounts accept HTTPS only", "high", ["storage.account"], "httpsOnly == true", ["in-transit"],
     "The storage account accepts plain HTTP.", "Set https_traffic_only_enabled = true.", equivalents=["CKV_AZURE_3"], cis=["Azure 3.1"])
rule("DH-STA-NESTED", "Storage accounts do not allow public blobs", "high", ["storage.account"], "nestedItemsPublic == false", ["exposure"],
     "Containers in the account can be made public.", "Set allow_nested_items_to_be_public = false.",
     equivalents=["CKV_AZURE_190"], cis=["Azure 3.7"])
rule("DH-STA-TLS", "Storage accounts require TLS 1.2", "medium", ["storage.account"], 'minimumTls == "TLS1_2" || minimumTls == "TLS1_3"',
     ["in-transit"], "Clients may connect with TLS 1.0/1.1.", "Set min_tls_version = \"TLS1_2\".", equivalents=["CKV_AZURE_44"], cis=["Azure 3.15"])
rule("DH-VOL-ENCRYPTION", "Block volumes are encrypted", "high", ["storage.volume"], "encrypted == true", ["at-rest"],
     "The volume is stored unencrypted.", "Set encrypted = true (with a customer-managed key where required).",
     equivalents=["CKV_AWS_3"], cis=["AWS 2.2.1"])

# Databases and data
rule("DH-DB-ENCRYPTION", "Databases are encrypted at rest", "high", ["database"], "encrypted == true", ["at-rest"],
     "The database's storage is not encrypted.", "Enable storage encryption.", equivalents=["CKV_AWS_16"], cis=["AWS 2.3.1"])
rule("DH-DB-PUBLIC", "Databases are not reachable from the internet", "critical", ["database"], "public == false", ["exposure"],
     "The database has a public endpoint.", "Place it in private subnets and turn public access off.", equivalents=["CKV_AWS_17"],
     cis=["AWS 2.3.3"])
rule("DH-DB-BACKUP", "Databases keep at least 7 days of backups", "medium", ["database"], "backupRetentionDays >= 7", ["backup"],
     "Automated backups are kept for less than a week.", "Set the backup retention to 7 days or more.", equivalents=["CKV_AWS_133"])
rule("DH-DB-HA", "Production databases have a standby in another zone", "medium", ["database"], "multiAz == true", ["availability"],
     "A zone failure takes the database down.", "Enable multi-AZ / high availability.", equivalents=["CKV_AWS_157"])
rule("DH-DB-DELETION", "Databases are protected from deletion", "medium", ["database"], "deletionProtection == true", ["backup", "change"],
     "The database can be deleted by a single call.", "Enable deletion protection.", equivalents=["CKV_AWS_293"])
rule("DH-DB-IAM", "Databases accept IAM authentication", "low", ["database"], "iamAuthentication == true", ["authentication"],
     "Only static passwords can log in.", "Enable IAM database authentication.", providers=["aws"], equivalents=["CKV_AWS_161"])
rule("DH-DB-VERSION", "PostgreSQL is a supported major version", "medium", ["database"],
     'engine != "postgres" || engineVersion in ["13", "14", "15", "16", "17"] || engineVersion matches "^1[3-7]\\\\."', ["patching"],
     "The engine version is past its end of support.", "Upgrade to a supported major version.")
rule("DH-NOSQL-PITR", "Tables have point-in-time recovery", "medium", ["database.nosql"], "pointInTimeRecovery == true", ["backup"],
     "Continuous backups are off.", "Enable point-in-time recovery.", equivalents=["CKV_AWS_28"])
rule("DH-NOSQL-ENCRYPTION", "Tables are encrypted with a customer-managed key", "low", ["database.nosql"], 'encryptionKey == "kms"',
     ["at-rest", "keys"], "The table uses the provider's default key.", "Encrypt with a KMS key.", equivalents=["CKV_AWS_119"])
rule("DH-CACHE-TRANSIT", "Caches encrypt traffic in transit", "high", ["cache.redis"], "encryptionInTransit == true", ["in-transit"],
     "Clients talk to the cache in clear text.", "Enable in-transit encryption (TLS).", equivalents=["CKV_AWS_30"])
rule("DH-CACHE-REST", "Caches encrypt data at rest", "medium", ["cache.redis"], "encryptionAtRest == true", ["at-rest"],
     "Snapshots and swap are unencrypted.", "Enable at-rest encryption.", equivalents=["CKV_AWS_29"])
rule("DH-CACHE-AUTH", "Caches require authentication", "high", ["cache.redis"], "authToken == true || encryptionInTransit == true",
     ["authentication"], "Anyone who reaches the cache can use it.", "Set an AUTH token (requires in-transit encryption).",
     equivalents=["CKV_AWS_31"])
rule("DH-QUEUE-ENCRYPTION", "Queues and topics are encrypted at rest", "medium", ["queue"], "encrypted == true", ["at-rest"],
     "Messages are stored unencrypted.", "Enable server-side encryption.", equivalents=["CKV_AWS_27", "CKV_AWS_26"])
rule("DH-QUEUE-KMS", "Queues and topics use a customer-managed key", "low", ["queue"], 'encryptionKey == "kms"', ["keys"],
     "The provider's default key is used.", "Encrypt with a KMS key you control.")
rule("DH-DWH-ENCRYPTION", "Warehouses are encrypted with a customer-managed key", "medium", ["data.warehouse"], "encrypted == true",
     ["at-rest", "keys"], "The warehouse uses the provider's default encryption.", "Use a KMS key.")

# Identity and secrets
rule("DH-IAM-ADMIN", "No policy grants full administrative access", "critical", ["iam.policy"],
     '!any(statements, effect == "Allow" && "*" in actions && "*" in resources)', ["least-privilege"],
     "A statement allows every action on every resource.", "Grant only the actions and resources the role needs.",
     equivalents=["CKV_AWS_62"], cis=["AWS 1.16"])
rule("DH-IAM-WILDCARD-ACTION", "Policies do not allow every action of a service", "medium", ["iam.policy"],
     '!any(statements, effect == "Allow" && any(actions, value matches ":\\\\*$"))', ["least-privilege"],
     "A statement allows every action of a service (`s3:*`).", "List the actions needed.", equivalents=["CKV_AWS_290"])
rule("DH-IAM-WILDCARD-RESOURCE", "Write actions are not allowed on every resource", "medium", ["iam.policy"],
     '!any(statements, effect == "Allow" && "*" in resources && any(actions, value matches ":(Put|Delete|Create|Update|Attach)"))',
     ["least-privilege"], "Write access is granted on `*`.", "Name the resources the writes apply to.", equivalents=["CKV_AWS_355"])
rule("DH-IAM-MFA", "Roles that people assume require MFA", "medium", ["iam.policy"], "mfa == true", ["authentication"],
     "The role can be assumed without MFA.", "Require MFA in the trust policy.", when="exists(mfa)", cis=["AWS 1.10"])
rule("DH-SECRET-ROTATION", "Secrets are rotated", "medium", ["security.secret"], "rotation <= 90d", ["keys", "authentication"],
     "The secret is never rotated, or less often than every 90 days.", "Set a rotation period of 90 days or less.",
     equivalents=["CKV2_AWS_57"])
rule("DH-CERT-KEY", "Certificates use a strong key", "medium", ["security.certificate"],
     'keyAlgorithm in ["ec-p256", "ec-p384", "rsa-2048", "rsa-4096", "ml-dsa-65"]', ["in-transit", "keys"],
     "The certificate's key is weak.", "Use ECDSA P-256/P-384, RSA 2048+ or ML-DSA-65.")
rule("DH-CERT-RENEW", "Certificates renew at least 14 days before expiry", "low", ["security.certificate"], "renewBeforeDays >= 14",
     ["availability"], "Renewal starts too late to recover from a failure.", "Renew 14–30 days before expiry.")

# Logging and monitoring
rule("DH-TRAIL-LOGGING", "Audit trails are logging", "high", ["logging.trail"], "loggingEnabled == true", ["logging"],
     "The trail exists but does not record.", "Set enable_logging = true.", equivalents=["CKV_AWS_251"], cis=["AWS 3.1"])
rule("DH-TRAIL-VALIDATION", "Audit trails validate their log files", "medium", ["logging.trail"], "logValidation == true", ["log-integrity"],
     "Log files can be altered without detection.", "Enable log file validation.", equivalents=["CKV_AWS_36"], cis=["AWS 3.2"])
rule("DH-TRAIL-MULTIREGION", "Audit trails cover every region", "medium", ["logging.trail"], "multiRegion == true", ["logging"],
     "Activity in other regions is not recorded.", "Make the trail multi-region.", equivalents=["CKV_AWS_67"], cis=["AWS 3.1"])
rule("DH-TRAIL-KMS", "Audit logs are encrypted with a customer-managed key", "medium", ["logging.trail"], "encrypted == true",
     ["at-rest", "log-integrity"], "Trail logs use default encryption.", "Set kms_key_id.", equivalents=["CKV_AWS_35"], cis=["AWS 3.5"])
rule("DH-ALERT-NOTIFY", "Critical alerts notify someone", "low", ["monitoring.alert"], 'severity != "critical" || count(notify) > 0',
     ["monitoring"], "A critical alert fires into the void.", "Add a notification target.")

# Compute
rule("DH-VM-PUBLICIP", "VMs do not get public addresses unless asked", "medium", ["compute.vm"], "publicIp == false", ["exposure"],
     "The VM is directly reachable from the internet.", "Put it behind a load balancer or bastion.", equivalents=["CKV_AWS_88"])
rule("DH-VM-IMDSV2", "VMs require IMDSv2", "high", ["compute.vm"], "imdsv2 == true", ["authentication"],
     "The instance metadata service answers unauthenticated requests (SSRF risk).", "Set http_tokens = \"required\".",
     providers=["aws"], equivalents=["CKV_AWS_79"])
rule("DH-VM-DISK", "VM disks are encrypted", "high", ["compute.vm"], "encrypted == true", ["at-rest"],
     "The root disk is unencrypted.", "Encrypt the root block device.", equivalents=["CKV_AWS_8"])
rule("DH-CLUSTER-PRIVATE", "Kubernetes API servers are private", "high", ["compute.cluster"], "privateEndpoint == true", ["exposure"],
     "The cluster's API server is reachable from the internet.", "Use a private endpoint.", equivalents=["CKV_AWS_39", "CKV_GCP_25"])
rule("DH-CLUSTER-SECRETS", "Kubernetes secrets are encrypted with a customer-managed key", "medium", ["compute.cluster"], "secretsEncrypted == true",
     ["at-rest", "keys"], "Secrets are only encrypted with provider-managed keys.", "Enable envelope encryption with KMS.",
     equivalents=["CKV_AWS_58"])
rule("DH-CLUSTER-VERSION", "Kubernetes is a supported version", "medium", ["compute.cluster"],
     'version in ["1.29", "1.30", "1.31", "1.32", "1.33"]', ["patching"], "The Kubernetes version is out of support.",
     "Upgrade to a supported minor version.")
rule("DH-SVC-REPLICAS", "Production services run more than one replica", "low", ["compute.service"], "replicas >= 2", ["availability"],
     "A single replica means downtime on every restart.", "Run at least two replicas.")
rule("DH-SVC-IMAGE-TAG", "Container images are pinned", "medium", ["compute.service"], '!(image matches ":latest$") && image matches ":|@"',
     ["integrity", "change"], "The image is `latest` or untagged, so what runs can change without a deploy.", "Pin a version tag or digest.",
     when="exists(image)")
rule("DH-FN-RUNTIME", "Functions use a supported runtime", "medium", ["compute.function"],
     'runtime in ["nodejs20.x", "nodejs22.x", "python3.11", "python3.12", "python3.13", "java21", "dotnet8", "ruby3.3", "provided.al2023"]',
     ["patching"], "The runtime is deprecated.", "Move to a supported runtime.", equivalents=["CKV_AWS_363"])

rule("DH-LB-DELETION", "Load balancers are protected from deletion", "low", ["network.loadbalancer"], "deletionProtection == true",
     ["availability", "change"], "The load balancer can be deleted by one call.", "Enable deletion protection.", equivalents=["CKV_AWS_150"])
rule("DH-LB-HEADERS", "Load balancers drop invalid HTTP headers", "low", ["network.loadbalancer"], "protocol == \"tcp\" || protocol == \"udp\" || dropInvalidHeaders == true",
     ["exposure"], "Malformed headers reach the backends (request smuggling).", "Set drop_invalid_header_fields = true.", equivalents=["CKV_AWS_131"])
rule("DH-LB-WAF", "Internet-facing load balancers have a WAF", "medium", ["network.loadbalancer"], "public == false || waf == true", ["exposure"],
     "Public HTTP traffic reaches the service unfiltered.", "Associate a web ACL.", equivalents=["CKV2_AWS_28"])
rule("DH-VM-MONITORING", "VMs have detailed monitoring", "low", ["compute.vm"], "monitoring == true", ["monitoring"],
     "Metrics are coarse (5-minute).", "Enable detailed monitoring.", equivalents=["CKV_AWS_126"])
rule("DH-FN-TRACING", "Functions are traced", "low", ["compute.function"], "tracing == true", ["monitoring"],
     "Calls cannot be followed across services.", "Enable active tracing.", equivalents=["CKV_AWS_50"])
rule("DH-QUEUE-DLQ", "Queues have a dead-letter queue", "low", ["queue"], "deadLetter == true", ["availability"],
     "Messages that keep failing are retried forever or lost.", "Set a dead-letter queue (deadLetterAfter).", when="exists(deadLetter)")
rule("DH-CACHE-REPLICA", "Caches have a replica", "low", ["cache.redis"], "replicas >= 1", ["availability"],
     "A node failure loses the cache.", "Run at least one replica.")
rule("DH-CACHE-VERSION", "Redis is 7.0 or newer", "low", ["cache.redis"], "version >= 7", ["patching"],
     "Older Redis versions are out of support.", "Upgrade to 7.x.")
rule("DH-DB-AUTOUPGRADE", "Databases take minor version upgrades", "low", ["database"], "autoMinorUpgrade == true", ["patching"],
     "Security fixes in minor versions are not applied.", "Enable automatic minor version upgrades.", equivalents=["CKV_AWS_226"])
rule("DH-DB-MYSQL-VERSION", "MySQL is a supported version", "medium", ["database"],
     'engine != "mysql" || engineVersion in ["8.0", "8.4"] || engineVersion matches "^8\\.(0|4)"', ["patching"],
     "MySQL 5.7 and older are out of support.", "Upgrade to 8.0 or 8.4.")
rule("DH-CERT-VALIDATION", "Certificates are validated by DNS", "low", ["security.certificate"], 'validation != "email"', ["change"],
     "Email validation needs a person at every renewal.", "Use DNS validation so renewal is automatic.")
rule("DH-BKT-RETENTION", "Object lifecycles keep data at least 30 days", "low", ["storage.bucket"], "retentionDays >= 30", ["backup"],
     "Objects expire too soon to recover from a mistake.", "Keep objects at least 30 days.", when="exists(retentionDays)")

rule("DH-BKT-MFA-DELETE", "Versioned buckets require MFA to delete versions", "low", ["storage.bucket"], "mfaDelete == true", ["backup", "authentication"],
     "A stolen key can permanently delete object versions.", "Enable MFA delete on the bucket's versioning.", providers=["aws"], cis=["AWS 2.1.2"])
rule("DH-STA-SHAREDKEY", "Storage accounts disable shared-key access", "medium", ["storage.account"], "sharedKey == false", ["authentication"],
     "Account keys grant full access and never expire.", "Set shared_access_key_enabled = false and use Entra ID.", equivalents=["CKV2_AZURE_40"])
rule("DH-STA-PUBLICNET", "Storage accounts are not reachable from public networks", "medium", ["storage.account"], "publicNetwork == false",
     ["exposure"], "The account's endpoints accept traffic from the internet.", "Disable public network access; use private endpoints.",
     equivalents=["CKV_AZURE_59"], cis=["Azure 3.10"])
rule("DH-STA-INFRA", "Storage accounts double-encrypt at the infrastructure layer", "low", ["storage.account"], "infrastructureEncryption == true",
     ["at-rest"], "Data is encrypted once.", "Set infrastructure_encryption_enabled = true.", cis=["Azure 3.2"])
rule("DH-STA-GRS", "Storage accounts replicate to another region", "low", ["storage.account"], "geoRedundant == true", ["backup", "availability"],
     "A regional outage makes the data unavailable.", "Use GRS/RA-GRS/GZRS replication.", equivalents=["CKV_AZURE_206"])
rule("DH-DB-LOGS", "Databases export their logs", "medium", ["database"], "logging == true", ["logging"],
     "Database logs stay on the instance and are lost with it.", "Export logs (enabled_cloudwatch_logs_exports).", equivalents=["CKV_AWS_129"])
rule("DH-DB-INSIGHTS", "Databases have Performance Insights", "low", ["database"], "performanceInsights == true", ["monitoring"],
     "Slow queries cannot be diagnosed after the fact.", "Enable Performance Insights.", equivalents=["CKV_AWS_353"])
rule("DH-DB-TLS", "Databases require TLS from clients", "high", ["database"], "tlsRequired == true", ["in-transit"],
     "Clients may connect without TLS.", "Require SSL/TLS for all connections.", equivalents=["CKV_GCP_6"], cis=["GCP 6.4"])
for flag, cis_id in [("log_connections", "6.2.3"), ("log_disconnections", "6.2.4"), ("log_checkpoints", "6.2.1"), ("log_lock_waits", "6.2.6")]:
    rule(f"DH-PG-{flag.upper().replace('_', '-')}", f"PostgreSQL sets {flag} = on", "low", ["database"],
         f'engine != "postgres" || flags.{flag} == "on"', ["logging"], f"{flag} is off, so that activity is not logged.",
         f"Set the database flag {flag} to on.", when="exists(flags)", cis=[f"GCP {cis_id}"])
rule("DH-KEY-ROTATION", "Encryption keys rotate at least yearly", "medium", ["security.key"], "rotation == true", ["keys"],
     "The key is never rotated.", "Enable automatic rotation (at most every 365 days; 90 on GCP).", equivalents=["CKV_AWS_7", "CKV_GCP_43"],
     cis=["AWS 3.6", "GCP 1.10"])
rule("DH-VM-SHIELDED", "VMs boot with Shielded VM / secure boot", "low", ["compute.vm"], "shieldedVm == true", ["integrity"],
     "Boot integrity is not verified.", "Enable secure boot, vTPM and integrity monitoring.", equivalents=["CKV_GCP_39"], cis=["GCP 4.8"])
rule("DH-VM-SERIAL", "VMs do not expose the serial console", "medium", ["compute.vm"], "serialPort == false", ["exposure"],
     "The interactive serial console accepts connections.", "Set serial-port-enable = false.", equivalents=["CKV_GCP_35"], cis=["GCP 4.5"])
rule("DH-VM-OSLOGIN", "VMs use OS Login", "low", ["compute.vm"], "osLogin == true", ["authentication"],
     "SSH keys are managed outside IAM.", "Set enable-oslogin = TRUE.", equivalents=["CKV_GCP_34"], cis=["GCP 4.4"])
rule("DH-CLUSTER-LOGS", "Kubernetes control-plane logs are enabled", "medium", ["compute.cluster"], "logging == true", ["logging"],
     "API server and audit logs are not kept.", "Enable control-plane logging.", equivalents=["CKV_AWS_37"])
rule("DH-CLUSTER-NETPOL", "Kubernetes network policy is enforced", "medium", ["compute.cluster"], "networkPolicy == true", ["exposure"],
     "Every pod can reach every other pod.", "Enable network policy enforcement.", equivalents=["CKV_GCP_12"])
rule("DH-DNS-DNSSEC", "Public DNS zones are signed with DNSSEC", "medium", ["network.dns"], "dnssec == true", ["integrity"],
     "Answers for the zone can be spoofed.", "Enable DNSSEC.", equivalents=["CKV_GCP_16"], cis=["GCP 3.3"])
rule("DH-CDN-TLS", "CDNs require TLS 1.2 from viewers", "medium", ["network.cdn"], 'tlsPolicy in ["tls1.2", "tls1.3"]', ["in-transit"],
     "Viewers may use TLS 1.0/1.1.", "Set the minimum protocol version to TLSv1.2_2021.", equivalents=["CKV_AWS_174"])
rule("DH-SECRET-KMS", "Secrets are encrypted with a customer-managed key", "low", ["security.secret"], 'encryptionKey == "kms"', ["keys"],
     "The provider's default key encrypts the secret.", "Set kms_key_id.", equivalents=["CKV_AWS_149"])

# Governance
rule("DH-TAG-OWNER", "Resources name an owner", "low", ["storage.bucket", "storage.volume", "database", "compute.vm", "compute.service",
                                                         "compute.cluster", "network.vpc", "cache.redis", "queue"],
     "exists(tags.owner)", ["inventory"], "Nobody is accountable for the resource.", "Set metadata.owner or an `owner` tag.")
rule("DH-TAG-ENV", "Resources name their environment", "info", ["storage.bucket", "storage.volume", "database", "compute.vm",
                                                                 "compute.service", "compute.cluster", "network.vpc", "cache.redis", "queue"],
     "exists(tags.environment)", ["inventory"], "The resource's environment is not recorded.", "Set metadata.environment or an `environment` tag.")
rule("DH-NAME", "Resource names are lowercase DNS labels", "info", ["storage.bucket", "database", "compute.service", "compute.vm"],
     'name matches "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"', ["inventory"], "Names that are not DNS labels break tooling.",
     "Rename with lowercase letters, digits and hyphens.", when="exists(name)")
rule("DH-RESIDENCY-EU", "Data stays in the EU when the stack says residency: eu", "high",
     ["storage.bucket", "database", "database.nosql", "cache.redis", "queue", "data.warehouse", "storage.volume"],
     'geography == "eu"', ["residency"], "Personal data would be stored outside the EU.", "Place the resource in an EU region.",
     when='exists(tags.residency) && tags.residency == "eu"')
rule("DH-STACK-OWNER", "Stacks name an owner", "low", ["stack"], "exists(owner)", ["inventory"],
     "Nobody is accountable for the stack.", "Set metadata.owner.")
rule("DH-STACK-BUDGET", "Production stacks have a budget", "low", ["stack"], 'environment != "production" || exists(budget)', ["inventory"],
     "Spend is not bounded.", "Set metadata.budget.")
rule("DH-STACK-APPROVAL", "Production changes need an approval", "medium", ["stack"], 'environment != "production" || exists(approvals)',
     ["change"], "Production can be changed by one person alone.", "Add `approvals:` to the blueprint.")


def yaml_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    out = ["# Generated by scripts/build-rule-pack.py; edit that script, not this file.", "rules:"]
    for r in RULES:
        out.append(f"  - id: {r['id']}")
        out.append(f"    title: {yaml_string(r['title'])}")
        out.append(f"    severity: {r['severity']}")
        out.append(f"    kinds: [{', '.join(r['kinds'])}]")
        if r["providers"]:
            out.append(f"    providers: [{', '.join(r['providers'])}]")
        if r["when"]:
            out.append(f"    when: {yaml_string(r['when'])}")
        out.append(f"    assert: {yaml_string(r['assertion'])}")
        out.append(f"    description: {yaml_string(r['description'])}")
        out.append(f"    remediation: {yaml_string(r['remediation'])}")
        if r["equivalents"]:
            out.append(f"    equivalents: [{', '.join(r['equivalents'])}]")
        out.append("    frameworks:")
        for framework in ["cis", "soc2", "iso27001", "hipaa", "pci-dss", "nist-800-53", "gdpr", "fedramp"]:
            if framework in r["frameworks"]:
                out.append(f"      {framework}: [{', '.join(yaml_string(c) for c in r['frameworks'][framework])}]")
    path = os.path.join(os.path.dirname(__file__), "..", "Sources", "DharmaPolicy", "Resources", "rules.yaml")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print(path, len(RULES), "rules")


main()
