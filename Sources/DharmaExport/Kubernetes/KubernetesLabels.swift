/// Labels and resource requests every generated Kubernetes object carries.
enum KubernetesLabels {
    static func of(_ resource: ExportResource) -> [String: String] {
        var labels: [String: String] = [
            "app.kubernetes.io/name": resource.name,
            "app.kubernetes.io/managed-by": "dharma",
        ]
        for key in ["stack", "environment", "owner"] {
            if let value = resource.tags[key] { labels["dharma.dev/\(key)"] = sanitize(value) }
        }
        return labels
    }

    /// Label values: at most 63 characters of letters, digits, `-`, `_` and `.`.
    static func sanitize(_ value: String) -> String {
        String(value.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "-" }.prefix(63))
    }

    /// `cpu` and `memory` requests; the blueprint's values, or small defaults.
    static func resources(_ resource: ExportResource) -> [String: String] {
        let millicores = Int(((resource.number("cpu") ?? 0.25) * 1000).rounded(.up))
        return ["cpu": "\(millicores)m", "memory": "\(resource.mebibytes("memory") ?? 256)Mi"]
    }
}
