/// Properties a particular provider needs beyond the abstract type's schema (the local
/// runtime runs a `command`, where clouds run an `image`).
public enum ProviderRequirements {
    static let table: [ProviderName: [String: [String]]] = [
        .local: [
            "compute.service": ["command"],
            "storage.bucket": ["path"],
            "security.secret": ["path"],
        ],
        .kubernetes: ["compute.service": ["image"]],
    ]

    public static func required(provider: ProviderName, type: String) -> [String] {
        table[provider]?[type] ?? []
    }
}
