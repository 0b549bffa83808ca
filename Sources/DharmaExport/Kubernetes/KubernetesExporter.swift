import DharmaCore

/// Writes a stack as Kubernetes manifests: services become a Deployment and a Service (and an
/// HPA when `heal.scale` is set), volumes PVCs, secrets Secrets, files ConfigMaps, load
/// balancers Ingresses, firewalls NetworkPolicies, identities ServiceAccounts.
public struct KubernetesExporter: Sendable {
    public static let supportedTypes: Set<String> = [
        "compute.service", "storage.volume", "storage.file", "security.secret", "security.identity", "network.loadbalancer", "network.firewall",
    ]

    public init() {}

    public func export(_ stack: ExportStack) throws(ExportError) -> [GeneratedFile] {
        var errors: [ExportError] = []
        var files: [GeneratedFile] = []
        for resource in stack.resources {
            guard Self.supportedTypes.contains(resource.type) else {
                errors.append(.unsupported(resource, "Kubernetes manifests", Array(Self.supportedTypes)))
                continue
            }
            do {
                let documents = try manifests(for: resource, in: stack)
                let text = documents.map { "---\n" + DocumentWriter.yaml($0) }.joined()
                files.append(GeneratedFile("\(resource.name).yaml", text))
            } catch {
                errors.append(error)
            }
        }
        if let first = errors.first {
            throw errors.count == 1 ? first : ExportError(errors.map(\.description).joined(separator: "\n"))
        }
        return files
    }

    func manifests(for r: ExportResource, in stack: ExportStack) throws(ExportError) -> [Document] {
        let name = r.cloudName(stack.name)
        let metadata = Document.object([("name", .string(name)), ("labels", .sorted(KubernetesLabels.of(r).mapValues(Document.string)))])
        switch r.type {
        case "compute.service":
            return try service(r, name: name, metadata: metadata, stack: stack)
        case "storage.volume":
            return [
                .object([
                    ("apiVersion", "v1"), ("kind", "PersistentVolumeClaim"), ("metadata", metadata),
                    (
                        "spec",
                        .object([
                            ("accessModes", .strings(["ReadWriteOnce"])),
                            ("resources", .object([("requests", .object([("storage", .string("\(r.gibibytes("size") ?? 20)Gi"))]))])),
                        ])
                    ),
                ])
            ]
        case "storage.file":
            return [
                .object([
                    ("apiVersion", "v1"), ("kind", "ConfigMap"), ("metadata", metadata),
                    ("data", .object([(Self.fileName(r), .string(try literal(r.expr("content"), in: stack, for: r) ?? ""))])),
                ])
            ]
        case "security.secret":
            // The value is never written into a manifest; the operator (or an external secret
            // controller) fills it in.
            return [
                .object([
                    ("apiVersion", "v1"), ("kind", "Secret"), ("metadata", metadata), ("type", "Opaque"),
                    ("stringData", .object([("value", .string(""))])),
                ])
            ]
        case "security.identity":
            return [.object([("apiVersion", "v1"), ("kind", "ServiceAccount"), ("metadata", metadata), ("automountServiceAccountToken", .bool(false))])]
        case "network.loadbalancer":
            return try ingress(r, metadata: metadata, stack: stack)
        default:
            return [networkPolicy(r, metadata: metadata)]
        }
    }

    private func service(_ r: ExportResource, name: String, metadata: Document, stack: ExportStack) throws(ExportError) -> [Document] {
        guard let image = r.string("image") else {
            throw ExportError("resource `\(r.name)`: a Kubernetes Deployment needs a container image; give the service an `image`", at: r.location)
        }
        let port = r.int("port") ?? 8080
        var environment: [Document] = []
        for (key, value) in r.map("env").sorted(by: { $0.key < $1.key }) {
            if case .output(let target, "path", _) = value, stack.resource(named: target)?.type == "security.secret" {
                environment.append(.object([("name", .string(key)), ("value", .string("/secrets/\(target)/value"))]))
            } else if case .output(let target, _, _) = value, stack.resource(named: target)?.type == "security.secret" {
                environment.append(
                    .object([
                        ("name", .string(key)),
                        (
                            "valueFrom",
                            .object([
                                (
                                    "secretKeyRef",
                                    .object([
                                        ("name", .string(stack.resource(named: target)?.cloudName(stack.name) ?? target)), ("key", "value"),
                                    ])
                                )
                            ])
                        ),
                    ]))
            } else {
                environment.append(.object([("name", .string(key)), ("value", .string(try literal(value, in: stack, for: r) ?? ""))]))
            }
        }
        var container: [(String, Document)] = [
            ("name", .string(r.name)),
            ("image", .string(image)),
            ("ports", .list([.object([("containerPort", .int(port))])])),
        ]
        if !environment.isEmpty { container.append(("env", .list(environment))) }
        let requests = Document.sorted(KubernetesLabels.resources(r).mapValues(Document.string))
        container.append(("resources", .object([("requests", requests), ("limits", requests)])))
        if let path = r.value("health")?.mapValue?["http"]?.stringValue {
            let probe = Document.object([("httpGet", .object([("path", .string(path)), ("port", .int(port))])), ("periodSeconds", .int(10))])
            container += [("readinessProbe", probe), ("livenessProbe", probe)]
        }
        container.append(
            (
                "securityContext",
                .object([
                    ("allowPrivilegeEscalation", .bool(false)), ("readOnlyRootFilesystem", .bool(true)), ("runAsNonRoot", .bool(true)),
                    ("capabilities", .object([("drop", .strings(["ALL"]))])), ("seccompProfile", .object([("type", "RuntimeDefault")])),
                ])
            ))
        // Files the service refers to are ConfigMaps mounted read-only under /config/NAME.
        // Secrets referred to by path are mounted read-only under /secrets/NAME.
        var mounts: [String: (path: String, source: Document)] = [:]
        for (_, value) in r.map("env") {
            for target in value.referencedResources {
                guard let resource = stack.resource(named: target) else { continue }
                let objectName = Document.string(resource.cloudName(stack.name))
                if resource.type == "storage.file" {
                    mounts[target] = ("/config/\(target)", .object([("configMap", .object([("name", objectName)]))]))
                } else if resource.type == "security.secret", case .output(_, "path", _) = value {
                    mounts[target] = ("/secrets/\(target)", .object([("secret", .object([("secretName", objectName)]))]))
                }
            }
        }
        let mounted = mounts.keys.sorted()
        if !mounted.isEmpty {
            container.append(
                (
                    "volumeMounts",
                    .list(mounted.map { .object([("name", .string($0)), ("mountPath", .string(mounts[$0]?.path ?? "")), ("readOnly", .bool(true))]) })
                ))
        }
        let selector = Document.object([("app.kubernetes.io/name", .string(r.name))])
        var documents: [Document] = [
            .object([
                ("apiVersion", "apps/v1"), ("kind", "Deployment"), ("metadata", metadata),
                (
                    "spec",
                    .object([
                        ("replicas", .int(r.int("replicas") ?? 1)),
                        ("selector", .object([("matchLabels", selector)])),
                        (
                            "template",
                            .object([
                                ("metadata", .object([("labels", .sorted(KubernetesLabels.of(r).mapValues(Document.string)))])),
                                (
                                    "spec",
                                    .object(
                                        [("automountServiceAccountToken", .bool(false)), ("containers", .list([.object(container)]))]
                                            + (mounted.isEmpty
                                                ? []
                                                : [
                                                    (
                                                        "volumes",
                                                        .list(
                                                            mounted.map { name in
                                                                guard case .map(let source)? = mounts[name]?.source else {
                                                                    return .object([("name", .string(name))])
                                                                }
                                                                return .map([Document.Entry("name", .string(name))] + source)
                                                            })
                                                    )
                                                ]))
                                ),
                            ])
                        ),
                    ])
                ),
            ]),
            .object([
                ("apiVersion", "v1"), ("kind", "Service"), ("metadata", metadata),
                (
                    "spec",
                    .object([
                        ("selector", selector), ("ports", .list([.object([("name", "http"), ("port", .int(80)), ("targetPort", .int(port))])])),
                    ])
                ),
            ]),
        ]
        if let scale = r.value("heal")?.mapValue?["scale"]?.mapValue {
            let target = scale["cpu"].flatMap { Units.percent($0) } ?? 70
            documents.append(
                .object([
                    ("apiVersion", "autoscaling/v2"), ("kind", "HorizontalPodAutoscaler"), ("metadata", metadata),
                    (
                        "spec",
                        .object([
                            ("scaleTargetRef", .object([("apiVersion", "apps/v1"), ("kind", "Deployment"), ("name", .string(name))])),
                            ("minReplicas", .int(scale["min"]?.intValue ?? 1)), ("maxReplicas", .int(scale["max"]?.intValue ?? 10)),
                            (
                                "metrics",
                                .list([
                                    .object([
                                        ("type", "Resource"),
                                        (
                                            "resource",
                                            .object([
                                                ("name", "cpu"),
                                                (
                                                    "target",
                                                    .object([
                                                        ("type", "Utilization"), ("averageUtilization", .int(Int(target.rounded()))),
                                                    ])
                                                ),
                                            ])
                                        ),
                                    ])
                                ])
                            ),
                        ])
                    ),
                ]))
        }
        return documents
    }

    private func ingress(_ r: ExportResource, metadata: Document, stack: ExportStack) throws(ExportError) -> [Document] {
        var paths: [Document] = []
        for target in r.list("targets") {
            guard case .output(let service, _, _) = target, let backend = stack.resource(named: service), backend.type == "compute.service" else {
                throw ExportError("resource `\(r.name)`: a Kubernetes Ingress can only route to services of the stack; a target is not one", at: r.location)
            }
            paths.append(
                .object([
                    ("path", "/"), ("pathType", "Prefix"),
                    (
                        "backend",
                        .object([
                            (
                                "service",
                                .object([
                                    ("name", .string(backend.cloudName(stack.name))), ("port", .object([("number", .int(80))])),
                                ])
                            )
                        ])
                    ),
                ]))
        }
        var spec: [(String, Document)] = [("rules", .list([.object([("http", .object([("paths", .list(paths))]))])]))]
        if r.string("protocol") ?? "https" == "https" {
            spec.insert(("tls", .list([.object([("secretName", .string("\(r.cloudName(stack.name))-tls"))])])), at: 0)
        }
        return [.object([("apiVersion", "networking.k8s.io/v1"), ("kind", "Ingress"), ("metadata", metadata), ("spec", .object(spec))])]
    }

    static func fileName(_ file: ExportResource) -> String {
        (file.string("path") ?? file.name).split(separator: "/").last.map(String.init) ?? file.name
    }

    private func networkPolicy(_ r: ExportResource, metadata: Document) -> Document {
        var rules: [Document] = []
        for rule in r.list("ingress") {
            let fields = rule.mapEntries ?? [:]
            var entry: [(String, Document)] = []
            let blocks = (fields["from"]?.resolved?.listValue ?? []).compactMap(\.stringValue).map {
                Document.object([("ipBlock", .object([("cidr", .string($0))]))])
            }
            if !blocks.isEmpty { entry.append(("from", .list(blocks))) }
            if let port = fields["port"]?.resolved?.intValue {
                entry.append(
                    (
                        "ports",
                        .list([.object([("protocol", .string((fields["protocol"]?.resolved?.stringValue ?? "tcp").uppercased())), ("port", .int(port))])])
                    ))
            }
            rules.append(.object(entry))
        }
        return .object([
            ("apiVersion", "networking.k8s.io/v1"), ("kind", "NetworkPolicy"), ("metadata", metadata),
            (
                "spec",
                .object([
                    ("podSelector", .object([])), ("policyTypes", .strings(["Ingress"])), ("ingress", .list(rules)),
                ])
            ),
        ])
    }

    /// A value for a manifest field: literals as they are, a service's URL as its cluster DNS
    /// name; anything else only known to a cloud is an error.
    private func literal(_ expr: Expr?, in stack: ExportStack, for r: ExportResource) throws(ExportError) -> String? {
        guard let expr else { return nil }
        if let value = expr.resolved { return value.interpolated }
        switch expr {
        case .output(let target, let attribute, _):
            if let file = stack.resource(named: target), file.type == "storage.file", attribute == "path" {
                return "/config/\(file.name)/" + Self.fileName(file)
            }
            guard let resource = stack.resource(named: target), resource.type == "compute.service" else {
                throw ExportError("resource `\(r.name)`: `\(target).\(attribute)` has no value inside a Kubernetes cluster", at: r.location)
            }
            switch attribute {
            case "url": return "http://\(resource.cloudName(stack.name))"
            case "port": return "80"
            default: return resource.cloudName(stack.name)
            }
        case .interpolation(let parts):
            var text = ""
            for part in parts { text += try literal(part, in: stack, for: r) ?? "" }
            return text
        default:
            throw ExportError("resource `\(r.name)`: a list or map reference has no single value in a manifest", at: r.location)
        }
    }
}

extension Document: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
