import DharmaCore

/// Dharma's workload types as objects of `hashicorp/kubernetes` 2.x.
struct KubernetesTerraform: TerraformProvider {
    let provider = ProviderName.kubernetes
    let localName = "kubernetes"
    let source = "hashicorp/kubernetes"
    let versionConstraint = "~> 2.35"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    func outputs(of r: ExportResource) -> [String: String] {
        let n = r.name
        switch r.type {
        case "compute.service":
            return [
                "id": "kubernetes_deployment_v1.\(n).id", "url": "kubernetes_service_v1.\(n).metadata[0].name",
                "port": "kubernetes_service_v1.\(n).spec[0].port[0].port",
            ]
        case "storage.volume": return ["id": "kubernetes_persistent_volume_claim_v1.\(n).id"]
        case "security.secret": return ["id": "kubernetes_secret_v1.\(n).id", "arn": "kubernetes_secret_v1.\(n).metadata[0].name"]
        case "security.identity": return ["id": "kubernetes_service_account_v1.\(n).id", "arn": "kubernetes_service_account_v1.\(n).metadata[0].name"]
        case "storage.file": return ["id": "kubernetes_config_map_v1.\(n).id"]
        case "network.loadbalancer":
            let address = "kubernetes_ingress_v1.\(n).status[0].load_balancer[0].ingress[0].hostname"
            return ["id": "kubernetes_ingress_v1.\(n).id", "dnsName": address, "url": address]
        default: return ["id": "kubernetes_network_policy_v1.\(n).id"]
        }
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let metadata = HCLBlock.Item.nested(
            "metadata", [.attr("name", r.cloudName(c.stack.name)), .attr("labels", .sortedObject(KubernetesLabels.of(r).mapValues(HCL.string)))])
        switch r.type {
        case "compute.service":
            var container: [HCLBlock.Item] = [.attr("name", n), .attr("image", try c.property(r, "image", .string("nginx:stable")) ?? .null)]
            for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
                container.append(.nested("env", [.attr("name", key), .attr("value", try c.hcl(value))]))
            }
            container.append(.nested("port", [.attr("container_port", r.int("port") ?? 8080)]))
            container.append(
                .nested(
                    "resources",
                    [
                        .attr("requests", .sortedObject(KubernetesLabels.resources(r).mapValues(HCL.string))),
                        .attr("limits", .sortedObject(KubernetesLabels.resources(r).mapValues(HCL.string))),
                    ]))
            container.append(
                .nested(
                    "security_context",
                    [
                        .attr("read_only_root_filesystem", true), .attr("allow_privilege_escalation", false),
                        .attr("run_as_non_root", true),
                    ]))
            return [
                resource(
                    "kubernetes_deployment_v1", n,
                    [
                        metadata,
                        .nested(
                            "spec",
                            [
                                .attribute("replicas", try c.property(r, "replicas", .int(1)) ?? .int(1)),
                                .nested("selector", [.attr("match_labels", .sortedObject(["app.kubernetes.io/name": .string(n)]))]),
                                .nested(
                                    "template",
                                    [
                                        .nested("metadata", [.attr("labels", .sortedObject(KubernetesLabels.of(r).mapValues(HCL.string)))]),
                                        .nested("spec", [.attr("automount_service_account_token", false), .nested("container", container)]),
                                    ]),
                            ]),
                    ]),
                resource(
                    "kubernetes_service_v1", n,
                    [
                        metadata,
                        .nested(
                            "spec",
                            [
                                .attr("selector", .sortedObject(["app.kubernetes.io/name": .string(n)])),
                                .nested("port", [.attr("port", 80), .attr("target_port", r.int("port") ?? 8080)]),
                            ]),
                    ]),
            ]
        case "storage.volume":
            return [
                resource(
                    "kubernetes_persistent_volume_claim_v1", n,
                    [
                        metadata,
                        .nested(
                            "spec",
                            [
                                .attr("access_modes", .strings(["ReadWriteOnce"])),
                                .nested("resources", [.attr("requests", .sortedObject(["storage": .string("\(r.gibibytes("size") ?? 20)Gi")]))]),
                            ]),
                    ])
            ]
        case "security.secret":
            return [
                HCLBlock("resource", ["random_password", n], [.attr("length", r.int("length") ?? 32), .attr("special", false)]),
                resource(
                    "kubernetes_secret_v1", n,
                    [
                        metadata, .attr("data", .sortedObject(["value": .traversal("random_password.\(n).result")])),
                        .attr("type", "Opaque"),
                    ]),
            ]
        case "security.identity":
            return [resource("kubernetes_service_account_v1", n, [metadata, .attr("automount_service_account_token", false)])]
        case "network.firewall":
            var ingress: [HCLBlock.Item] = []
            for rule in r.list("ingress") {
                let fields = rule.mapEntries ?? [:]
                var items: [HCLBlock.Item] = []
                if let port = fields["port"]?.resolved?.intValue {
                    items.append(
                        .nested("ports", [.attr("port", String(port)), .attr("protocol", (fields["protocol"]?.resolved?.stringValue ?? "tcp").uppercased())]))
                }
                for cidr in fields["from"]?.listItems ?? [] { items.append(.nested("from", [.nested("ip_block", [.attr("cidr", try c.hcl(cidr))])])) }
                ingress.append(.nested("ingress", items))
            }
            return [
                resource(
                    "kubernetes_network_policy_v1", n,
                    [
                        metadata,
                        .nested(
                            "spec",
                            [
                                .nested("pod_selector", []), .attr("policy_types", .strings(["Ingress"])),
                            ] + ingress),
                    ])
            ]
        case "storage.file":
            let content = try c.hcl(r.expr("content") ?? .value(.string("")))
            return [resource("kubernetes_config_map_v1", n, [metadata, .attr("data", .sortedObject([KubernetesExporter.fileName(r): content]))])]
        case "network.loadbalancer":
            return [resource("kubernetes_ingress_v1", n, [metadata, .nested("spec", try ingressSpec(r, in: c))])]
        default:
            throw .unsupported(r, "Terraform provider kubernetes", Array(supportedTypes))
        }
    }

    /// A load balancer in a cluster is an Ingress routing `/` to each target service, with TLS
    /// from a secret named after it, as the Kubernetes manifests export writes it.
    private func ingressSpec(_ r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock.Item] {
        var paths: [HCLBlock.Item] = []
        for target in r.list("targets") {
            guard case .output(let service, _, _) = target, c.stack.resource(named: service)?.type == "compute.service" else {
                throw ExportError("resource `\(r.name)`: a Kubernetes Ingress can only route to services of the stack; a target is not one", at: r.location)
            }
            let backend: HCLBlock.Item = .nested(
                "service", [.ref("name", "kubernetes_service_v1.\(service).metadata[0].name"), .nested("port", [.attr("number", 80)])])
            paths.append(.nested("path", [.attr("path", "/"), .attr("path_type", "Prefix"), .nested("backend", [backend])]))
        }
        var spec: [HCLBlock.Item] = [.nested("rule", [.nested("http", paths)])]
        if r.string("protocol") ?? "https" == "https" {
            spec.insert(.nested("tls", [.attr("secret_name", "\(r.cloudName(c.stack.name))-tls")]), at: 0)
        }
        return spec
    }
}
