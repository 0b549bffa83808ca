import DharmaCore

/// The mapping table from Dharma's types to Azure resource types (ARM API versions).
enum BicepResources {
    static func outputs(of r: ExportResource) -> [String: String] {
        let s = BicepWriter.symbol(r.name)
        var outputs = ["id": "\(s).id", "name": "\(s).name", "arn": "\(s).id"]
        switch r.type {
        case "network.loadbalancer": outputs["dnsName"] = "\(s)Ip.properties.ipAddress"; outputs["url"] = outputs["dnsName"]
        case "network.dns": outputs["nameServers"] = "\(s).properties.nameServers"
        case "storage.bucket": outputs["url"] = "\(s).properties.primaryEndpoints.blob"; outputs["id"] = "\(s)Container.id"
        case "database.postgres", "database.mysql":
            outputs["endpoint"] = "\(s).properties.fullyQualifiedDomainName"
            outputs["url"] = outputs["endpoint"]
            outputs["port"] = r.type == "database.postgres" ? "'5432'" : "'3306'"
        case "database.nosql": outputs["endpoint"] = "\(s).properties.documentEndpoint"
        case "cache.redis": outputs["endpoint"] = "\(s).properties.hostName"; outputs["port"] = "string(\(s).properties.sslPort)"
        case "security.identity": outputs["arn"] = "\(s).properties.principalId"
        case "security.secret": outputs["arn"] = "\(s).properties.secretUri"
        case "compute.vm": outputs["privateIp"] = "\(s)Nic.properties.ipConfigurations[0].properties.privateIPAddress"
        case "compute.service": outputs["url"] = "\(s).properties.configuration.ingress.fqdn"
        case "compute.cluster": outputs["endpoint"] = "\(s).properties.privateFQDN"
        default: break
        }
        return outputs
    }

    static func declarations(for r: ExportResource, in c: BicepContext) throws(ExportError) -> [BicepResource] {
        let s = BicepWriter.symbol(r.name)
        let name = Bicep.string(r.cloudName(c.stack.name))
        let common: [(String, Bicep)] = [("name", name), ("location", .raw("location")), ("tags", c.tags(r))]
        switch r.type {
        case "network.vpc":
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.Network/virtualNetworks@2023-09-01",
                    body: common + [
                        ("properties", .object([("addressSpace", .object([("addressPrefixes", .array([try c.property(r, "cidr", .null)]))]))]))
                    ])
            ]
        case "network.subnet":
            guard case .output(let network, _, _)? = r.expr("vpc") else {
                throw ExportError("resource `\(r.name)`: a Bicep subnet needs `vpc: ${NETWORK.id}` naming a network of the stack", at: r.location)
            }
            var properties: [(String, Bicep)] = [("addressPrefix", try c.property(r, "cidr", .null)), ("defaultOutboundAccess", .bool(r.bool("public")))]
            if let firewall = AzureTerraform.firewall(sharingNetworkWith: r, in: c.stack) {
                properties.append(("networkSecurityGroup", .object([("id", .raw("\(BicepWriter.symbol(firewall)).id"))])))
            }
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.Network/virtualNetworks/subnets@2023-09-01",
                    body: [
                        ("parent", .raw(BicepWriter.symbol(network))), ("name", .string(r.name)), ("properties", .object(properties)),
                    ])
            ]
        case "network.firewall":
            var rules: [Bicep] = []
            for (index, rule) in r.list("ingress").enumerated() {
                let fields = rule.mapEntries ?? [:]
                let ports = AWSTerraform.portRange(fields)
                let proto = fields["protocol"]?.resolved?.stringValue ?? "tcp"
                rules.append(
                    .object([
                        ("name", .string("ingress-\(index)")),
                        (
                            "properties",
                            .object([
                                ("priority", .int(100 + index * 10)), ("direction", .string("Inbound")), ("access", .string("Allow")),
                                ("protocol", .string(proto == "all" ? "*" : proto.capitalized)), ("sourcePortRange", .string("*")),
                                ("destinationPortRange", .string(ports.0 == ports.1 ? String(ports.0) : "\(ports.0)-\(ports.1)")),
                                ("sourceAddressPrefixes", try c.bicep(fields["from"] ?? .list([]))), ("destinationAddressPrefix", .string("*")),
                                ("description", .string(fields["description"]?.resolved?.stringValue ?? "managed by Dharma")),
                            ])
                        ),
                    ]))
            }
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.Network/networkSecurityGroups@2023-09-01",
                    body: common + [
                        ("properties", .object([("securityRules", .array(rules))]))
                    ])
            ]
        case "network.loadbalancer":
            return [
                BicepResource(
                    symbol: "\(s)Ip", type: "Microsoft.Network/publicIPAddresses@2023-09-01",
                    body: common + [
                        ("sku", .object([("name", .string("Standard"))])), ("zones", .strings(["1", "2", "3"])),
                        ("properties", .object([("publicIPAllocationMethod", .string("Static"))])),
                    ]),
                BicepResource(
                    symbol: s, type: "Microsoft.Network/loadBalancers@2023-09-01",
                    body: common + [
                        ("sku", .object([("name", .string("Standard"))])),
                        (
                            "properties",
                            .object([
                                (
                                    "frontendIPConfigurations",
                                    .array([
                                        .object([
                                            ("name", .string("frontend")),
                                            (
                                                "properties",
                                                .object([
                                                    ("publicIPAddress", .object([("id", .raw("\(s)Ip.id"))]))
                                                ])
                                            ),
                                        ])
                                    ])
                                ),
                                ("backendAddressPools", .array([.object([("name", .string("backends"))])])),
                                (
                                    "probes",
                                    .array([
                                        .object([
                                            ("name", .string("health")),
                                            (
                                                "properties",
                                                .object([
                                                    ("protocol", .string("Https")), ("port", .int(443)),
                                                    ("requestPath", .string(r.string("healthPath") ?? "/healthz")),
                                                ])
                                            ),
                                        ])
                                    ])
                                ),
                            ])
                        ),
                    ]),
            ]
        case "network.dns":
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.Network/dnsZones@2018-05-01",
                    body: [
                        ("name", try c.property(r, "zone", .null)), ("location", .string("global")), ("tags", c.tags(r)),
                    ])
            ]
        case "storage.bucket":
            let isPublic = r.bool("public")
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.Storage/storageAccounts@2023-01-01",
                    body: [
                        ("name", .string(AzureTerraform.compactName(c.stack.name, r.name, limit: 24))), ("location", .raw("location")), ("tags", c.tags(r)),
                        ("kind", .string("StorageV2")), ("sku", .object([("name", .string("Standard_GRS"))])),
                        (
                            "properties",
                            .object([
                                ("minimumTlsVersion", .string("TLS1_2")), ("supportsHttpsTrafficOnly", .bool(true)),
                                ("allowBlobPublicAccess", .bool(isPublic)), ("allowSharedKeyAccess", .bool(false)),
                                ("publicNetworkAccess", .string(isPublic ? "Enabled" : "Disabled")),
                                ("networkAcls", .object([("defaultAction", .string(isPublic ? "Allow" : "Deny")), ("bypass", .string("AzureServices"))])),
                                (
                                    "encryption",
                                    .object([
                                        ("requireInfrastructureEncryption", .bool(true)), ("keySource", .string("Microsoft.Storage")),
                                        ("services", .object([("blob", .object([("enabled", .bool(true))])), ("file", .object([("enabled", .bool(true))]))])),
                                    ])
                                ),
                            ])
                        ),
                    ]),
                BicepResource(
                    symbol: "\(s)Blobs", type: "Microsoft.Storage/storageAccounts/blobServices@2023-01-01",
                    body: [
                        ("parent", .raw(s)), ("name", .string("default")),
                        (
                            "properties",
                            .object([
                                ("isVersioningEnabled", .bool(r.bool("versioning", default: true))),
                                ("deleteRetentionPolicy", .object([("enabled", .bool(true)), ("days", .int(30))])),
                                ("containerDeleteRetentionPolicy", .object([("enabled", .bool(true)), ("days", .int(30))])),
                            ])
                        ),
                    ]),
                BicepResource(
                    symbol: "\(s)Container", type: "Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01",
                    body: [
                        ("parent", .raw("\(s)Blobs")), ("name", name), ("properties", .object([("publicAccess", .string(isPublic ? "Blob" : "None"))])),
                    ]),
            ]
        case "storage.volume":
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.Compute/disks@2023-04-02",
                    body: common + [
                        ("sku", .object([("name", .string(r.string("class") == "standard" ? "Standard_LRS" : "Premium_ZRS"))])),
                        (
                            "properties",
                            .object([
                                ("creationData", .object([("createOption", .string("Empty"))])), ("diskSizeGB", .int(r.gibibytes("size") ?? 20)),
                                ("publicNetworkAccess", .string("Disabled")), ("networkAccessPolicy", .string("DenyAll")),
                            ])
                        ),
                    ])
            ]
        case "database.postgres", "database.mysql":
            let postgres = r.type == "database.postgres"
            var properties: [(String, Bicep)] = [
                ("version", .string(r.string("version") ?? (postgres ? "16" : "8.0.21"))),
                ("administratorLogin", try c.property(r, "username", .string("dharma"))),
                ("administratorLoginPassword", .raw("\(BicepWriter.symbol(r.name))Password")),
                ("storage", .object([("storageSizeGB", .int(max(32, r.gibibytes("storage") ?? 32)))])),
                (
                    "backup",
                    .object([
                        ("backupRetentionDays", .int(min(35, max(7, (r.seconds("backupRetention") ?? 604_800) / 86_400)))),
                        ("geoRedundantBackup", .string("Enabled")),
                    ])
                ),
                ("highAvailability", .object([("mode", .string(r.bool("highAvailability") ? "ZoneRedundant" : "Disabled"))])),
            ]
            if postgres { properties.append(("network", .object([("publicNetworkAccess", .string(r.bool("public") ? "Enabled" : "Disabled"))]))) }
            return [
                BicepResource(
                    symbol: s, type: postgres ? "Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01" : "Microsoft.DBforMySQL/flexibleServers@2023-06-30",
                    body: common + [
                        (
                            "sku",
                            .object([
                                ("name", .string(r.string("size") ?? "Standard_D\(max(2, Int((r.number("cpu") ?? 2).rounded(.up))))ds_v5")),
                                ("tier", .string("GeneralPurpose")),
                            ])
                        ),
                        ("properties", .object(properties)),
                    ])
            ]
        case "database.nosql":
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.DocumentDB/databaseAccounts@2023-04-15",
                    body: common + [
                        ("kind", .string("GlobalDocumentDB")),
                        (
                            "properties",
                            .object([
                                ("databaseAccountOfferType", .string("Standard")), ("publicNetworkAccess", .string("Disabled")),
                                ("disableLocalAuth", .bool(true)), ("disableKeyBasedMetadataWriteAccess", .bool(true)),
                                ("locations", .array([.object([("locationName", .raw("location")), ("failoverPriority", .int(0))])])),
                                ("backupPolicy", .object([("type", .string(r.bool("pointInTimeRecovery", default: true) ? "Continuous" : "Periodic"))])),
                            ])
                        ),
                    ])
            ]
        case "cache.redis":
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.Cache/redis@2023-08-01",
                    body: common + [
                        (
                            "properties",
                            .object([
                                (
                                    "sku",
                                    .object([
                                        ("name", .string("Premium")), ("family", .string("P")),
                                        ("capacity", .int(AzureTerraform.redisCapacity(mebibytes: r.mebibytes("memory") ?? 1024))),
                                    ])
                                ),
                                ("enableNonSslPort", .bool(!r.bool("encryptionInTransit", default: true))), ("minimumTlsVersion", .string("1.2")),
                                ("publicNetworkAccess", .string("Disabled")), ("replicasPerPrimary", .int(r.int("replicas") ?? 1)),
                            ])
                        )
                    ])
            ]
        case "queue.queue":
            var properties: [(String, Bicep)] = [
                ("requiresSession", .bool(r.bool("fifo"))),
                ("lockDuration", .string(AzureTerraform.isoDuration(min(300, r.seconds("visibilityTimeout") ?? 30)))),
                ("defaultMessageTimeToLive", .string(AzureTerraform.isoDuration(r.seconds("retention") ?? 345_600))),
            ]
            if let receives = r.int("deadLetterAfter") {
                properties += [("maxDeliveryCount", .int(receives)), ("deadLetteringOnMessageExpiration", .bool(true))]
            }
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview",
                    body: [
                        ("parent", .raw("dharmaBus")), ("name", name), ("properties", .object(properties)),
                    ])
            ]
        case "queue.topic":
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview",
                    body: [
                        ("parent", .raw("dharmaBus")), ("name", name), ("properties", .object([("supportOrdering", .bool(r.bool("fifo")))])),
                    ])
            ]
        case "security.secret":
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.KeyVault/vaults/secrets@2023-07-01",
                    body: [
                        ("parent", .raw("dharmaVault")), ("name", name), ("tags", c.tags(r)),
                        (
                            "properties",
                            .object([
                                ("value", .raw("\(s)Value")), ("contentType", .string("text/plain")),
                                ("attributes", .object([("enabled", .bool(true)), ("exp", .raw("dateTimeToEpoch(dateTimeAdd(utcNow(), 'P1Y'))"))])),
                            ])
                        ),
                    ])
            ]
        case "security.identity":
            return [BicepResource(symbol: s, type: "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31", body: common)]
        case "security.certificate":
            // A free managed certificate of the stack's Container Apps environment, renewed by Azure.
            let domain = r.value("domains")?.listValue?.first?.stringValue ?? r.name
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.App/managedEnvironments/managedCertificates@2023-05-01",
                    body: [
                        ("parent", .raw("dharmaApps")), ("name", name), ("location", .raw("location")), ("tags", c.tags(r)),
                        (
                            "properties",
                            .object([
                                ("subjectName", .string(domain)),
                                ("domainControlValidation", .string(r.string("validation") == "email" ? "TXT" : "CNAME")),
                            ])
                        ),
                    ])
            ]
        case "monitoring.alert":
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.Insights/metricAlerts@2018-03-01",
                    body: [
                        ("name", name), ("location", .string("global")), ("tags", c.tags(r)),
                        (
                            "properties",
                            .object([
                                ("severity", .int(["critical": 0, "warning": 2, "info": 4][r.string("severity") ?? "warning"] ?? 2)), ("enabled", .bool(true)),
                                ("scopes", .array([.raw("resourceGroup().id")])), ("evaluationFrequency", .string("PT1M")),
                                ("windowSize", .string("PT\(max(5, (r.seconds("for") ?? 300) / 60))M")),
                                (
                                    "criteria",
                                    .object([
                                        ("odata.type", .string("Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria")),
                                        (
                                            "allOf",
                                            .array([
                                                .object([
                                                    ("name", .string("condition")), ("metricName", .string(r.string("metric") ?? "cpu")),
                                                    ("timeAggregation", .string("Average")),
                                                    (
                                                        "operator",
                                                        .string(
                                                            ["<": "LessThan", "<=": "LessThanOrEqual", ">=": "GreaterThanOrEqual"][r.string("condition") ?? ">"]
                                                                ?? "GreaterThan")
                                                    ),
                                                    ("threshold", .number(r.number("threshold") ?? 0)), ("criterionType", .string("StaticThresholdCriterion")),
                                                ])
                                            ])
                                        ),
                                    ])
                                ),
                            ])
                        ),
                    ])
            ]
        case "compute.vm":
            return try virtualMachine(r, s, name: name, common: common, c)
        case "compute.service":
            var environment: [Bicep] = []
            for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
                environment.append(.object([("name", .string(key)), ("value", try c.bicep(value))]))
            }
            let cores = AzureTerraform.containerCPU(r.number("cpu") ?? 0.5)
            let replicas = try c.property(r, "replicas", .int(1))
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.App/containerApps@2023-05-01",
                    body: [
                        ("name", .string(r.cloudName(c.stack.name, limit: 32))), ("location", .raw("location")), ("tags", c.tags(r)),
                        (
                            "properties",
                            .object([
                                ("managedEnvironmentId", .raw("dharmaApps.id")),
                                (
                                    "configuration",
                                    .object([
                                        (
                                            "ingress",
                                            .object([
                                                ("external", .bool(true)), ("targetPort", .int(r.int("port") ?? 8080)),
                                                ("allowInsecure", .bool(false)),
                                            ])
                                        )
                                    ])
                                ),
                                (
                                    "template",
                                    .object([
                                        (
                                            "containers",
                                            .array([
                                                .object([
                                                    ("name", .string(r.name)),
                                                    ("image", try c.property(r, "image", .string("mcr.microsoft.com/k8se/quickstart:latest"))),
                                                    (
                                                        "resources",
                                                        .object([("cpu", .number(cores)), ("memory", .string(AzureTerraform.containerMemory(cores)))])
                                                    ),
                                                    ("env", .array(environment)),
                                                ])
                                            ])
                                        ),
                                        ("scale", .object([("minReplicas", replicas), ("maxReplicas", replicas)])),
                                    ])
                                ),
                            ])
                        ),
                    ])
            ]
        case "compute.cluster":
            return [
                BicepResource(
                    symbol: s, type: "Microsoft.ContainerService/managedClusters@2024-02-01",
                    body: common + [
                        ("identity", .object([("type", .string("SystemAssigned"))])),
                        (
                            "properties",
                            .object([
                                ("kubernetesVersion", .string(r.string("version") ?? "1.31")), ("dnsPrefix", .string(r.cloudName(c.stack.name, limit: 54))),
                                ("disableLocalAccounts", .bool(true)), ("enableRBAC", .bool(true)),
                                ("apiServerAccessProfile", .object([("enablePrivateCluster", .bool(r.bool("privateEndpoint", default: true)))])),
                                (
                                    "agentPoolProfiles",
                                    .array([
                                        .object([
                                            ("name", .string("system")), ("count", .int(r.int("nodes") ?? 3)), ("mode", .string("System")),
                                            ("vmSize", .string(r.string("nodeSize") ?? "Standard_D4s_v5")), ("enableEncryptionAtHost", .bool(true)),
                                        ])
                                    ])
                                ),
                                ("networkProfile", .object([("networkPlugin", .string("azure")), ("networkPolicy", .string("azure"))])),
                                (
                                    "addonProfiles",
                                    .object([
                                        ("azurepolicy", .object([("enabled", .bool(true))])),
                                        (
                                            "omsagent",
                                            .object([
                                                ("enabled", .bool(true)), ("config", .object([("logAnalyticsWorkspaceResourceID", .raw("dharmaLogs.id"))])),
                                            ])
                                        ),
                                    ])
                                ),
                            ])
                        ),
                    ])
            ]
        default:
            throw .unsupported(r, "Bicep", Array(BicepExporter.supportedTypes))
        }
    }

    static func virtualMachine(_ r: ExportResource, _ s: String, name: Bicep, common: [(String, Bicep)], _ c: BicepContext) throws(ExportError)
        -> [BicepResource]
    {
        var ipConfiguration: [(String, Bicep)] = [("privateIPAllocationMethod", .string("Dynamic"))]
        if let subnet = r.expr("subnet") { ipConfiguration.append(("subnet", .object([("id", try c.bicep(subnet))]))) }
        let keys = r.value("sshKeys")?.listValue?.compactMap(\.stringValue) ?? []
        return [
            BicepResource(
                symbol: "\(s)Nic", type: "Microsoft.Network/networkInterfaces@2023-09-01",
                body: common + [
                    (
                        "properties",
                        .object([("ipConfigurations", .array([.object([("name", .string("primary")), ("properties", .object(ipConfiguration))])]))])
                    )
                ]),
            BicepResource(
                symbol: s, type: "Microsoft.Compute/virtualMachines@2023-09-01",
                body: common + [
                    (
                        "properties",
                        .object([
                            (
                                "hardwareProfile",
                                .object([
                                    (
                                        "vmSize",
                                        .string(r.string("size") ?? InstanceSizing.azure(cpu: r.number("cpu") ?? 2, mebibytes: r.mebibytes("memory") ?? 4096))
                                    )
                                ])
                            ),
                            ("securityProfile", .object([("encryptionAtHost", .bool(true))])),
                            (
                                "osProfile",
                                .object([
                                    ("computerName", .string(r.name)), ("adminUsername", .string("dharma")), ("allowExtensionOperations", .bool(false)),
                                    (
                                        "linuxConfiguration",
                                        .object([
                                            ("disablePasswordAuthentication", .bool(true)),
                                            (
                                                "ssh",
                                                .object([
                                                    (
                                                        "publicKeys",
                                                        .array(
                                                            (keys.isEmpty ? ["ssh-ed25519 REPLACE-ME dharma"] : keys).map {
                                                                .object([("path", .string("/home/dharma/.ssh/authorized_keys")), ("keyData", .string($0))])
                                                            })
                                                    )
                                                ])
                                            ),
                                        ])
                                    ),
                                ])
                            ),
                            (
                                "storageProfile",
                                .object([
                                    (
                                        "imageReference",
                                        .object([
                                            ("publisher", .string("Canonical")), ("offer", .string("ubuntu-24_04-lts")), ("sku", .string("server")),
                                            ("version", .string("latest")),
                                        ])
                                    ),
                                    (
                                        "osDisk",
                                        .object([
                                            ("createOption", .string("FromImage")), ("diskSizeGB", .int(r.gibibytes("disk") ?? 30)),
                                            ("managedDisk", .object([("storageAccountType", .string("Premium_LRS"))])),
                                        ])
                                    ),
                                ])
                            ),
                            ("networkProfile", .object([("networkInterfaces", .array([.object([("id", .raw("\(s)Nic.id"))])]))])),
                        ])
                    )
                ]),
        ]
    }

    /// Key Vault (secrets), Service Bus (queues, topics), Log Analytics and the Container Apps
    /// environment, declared once when resources need them.
    static func shared(for stack: ExportStack) -> [BicepResource] {
        let types = Set(stack.resources.filter { $0.provider == .azure }.map(\.type))
        let base = "\(stack.name)-\(stack.environment)".lowercased()
        var shared: [BicepResource] = []
        if types.contains("security.secret") {
            shared.append(
                BicepResource(
                    symbol: "dharmaVault", type: "Microsoft.KeyVault/vaults@2023-07-01",
                    body: [
                        ("name", .string("kv-" + AzureTerraform.compactName(stack.name, stack.environment, limit: 21))), ("location", .raw("location")),
                        ("tags", .raw("tags")),
                        (
                            "properties",
                            .object([
                                ("tenantId", .raw("subscription().tenantId")), ("sku", .object([("family", .string("A")), ("name", .string("premium"))])),
                                ("enableRbacAuthorization", .bool(true)), ("enablePurgeProtection", .bool(true)), ("enableSoftDelete", .bool(true)),
                                ("softDeleteRetentionInDays", .int(90)), ("publicNetworkAccess", .string("Disabled")),
                                ("networkAcls", .object([("defaultAction", .string("Deny")), ("bypass", .string("AzureServices"))])),
                            ])
                        ),
                    ]))
        }
        if !types.isDisjoint(with: ["queue.queue", "queue.topic"]) {
            shared.append(
                BicepResource(
                    symbol: "dharmaBus", type: "Microsoft.ServiceBus/namespaces@2022-10-01-preview",
                    body: [
                        ("name", .string("sb-\(base)")), ("location", .raw("location")), ("tags", .raw("tags")),
                        ("sku", .object([("name", .string("Premium")), ("tier", .string("Premium")), ("capacity", .int(1))])),
                        (
                            "properties",
                            .object([("disableLocalAuth", .bool(true)), ("publicNetworkAccess", .string("Disabled")), ("minimumTlsVersion", .string("1.2"))])
                        ),
                    ]))
        }
        if !types.isDisjoint(with: ["compute.service", "compute.cluster", "security.certificate"]) {
            shared.append(
                BicepResource(
                    symbol: "dharmaLogs", type: "Microsoft.OperationalInsights/workspaces@2022-10-01",
                    body: [
                        ("name", .string("log-\(base)")), ("location", .raw("location")), ("tags", .raw("tags")),
                        ("properties", .object([("sku", .object([("name", .string("PerGB2018"))])), ("retentionInDays", .int(365))])),
                    ]))
        }
        if !types.isDisjoint(with: ["compute.service", "security.certificate"]) {
            shared.append(
                BicepResource(
                    symbol: "dharmaApps", type: "Microsoft.App/managedEnvironments@2023-05-01",
                    body: [
                        ("name", .string("cae-\(base)")), ("location", .raw("location")), ("tags", .raw("tags")),
                        (
                            "properties",
                            .object([
                                (
                                    "appLogsConfiguration",
                                    .object([
                                        ("destination", .string("log-analytics")),
                                        (
                                            "logAnalyticsConfiguration",
                                            .object([
                                                ("customerId", .raw("dharmaLogs.properties.customerId")),
                                                ("sharedKey", .raw("dharmaLogs.listKeys().primarySharedKey")),
                                            ])
                                        ),
                                    ])
                                )
                            ])
                        ),
                    ]))
        }
        return shared
    }
}
