/// Which provider a Checkov check id belongs to: `CKV_AWS_24`, `CKV2_GCP_5`, `CKV_K8S_8`. Ids
/// that name no provider (`CKV_SECRET_6`) belong to every one.
enum CheckovIDs {
    /// Checkov's provider segment for each of Dharma's provider names.
    static let segments: [String: Set<String>] = [
        "aws": ["AWS"], "azure": ["AZURE"], "gcp": ["GCP"], "alibaba": ["ALI"], "oracle": ["OCI"], "ibm": ["IBM"],
        "digitalocean": ["DIO"], "kubernetes": ["K8S"], "openstack": ["OPENSTACK"],
    ]

    static var knownSegments: Set<String> { segments.values.reduce(into: []) { $0.formUnion($1) } }

    static func applies(_ id: String, toProvider provider: String) -> Bool {
        let parts = id.split(separator: "_")
        guard parts.count >= 3, parts[0].hasPrefix("CKV"), knownSegments.contains(String(parts[1])) else { return true }
        return segments[provider]?.contains(String(parts[1])) ?? false
    }
}
