/// An abstract resource type (`compute.service`, `storage.bucket` …): its properties, the
/// attributes a provider reports back after apply, and the providers that can realise it.
public struct ResourceType: Sendable {
    public var name: String
    public var summary: String
    public var properties: [PropertySchema]
    /// Attributes known only after apply (`url`, `port`, `id` …), referable as `${name.attr}`.
    public var outputs: [String]
    public var providers: Set<ProviderName>

    public init(
        _ name: String, _ summary: String, providers: Set<ProviderName>, outputs: [String],
        properties: [PropertySchema]
    ) {
        self.name = name
        self.summary = summary
        self.properties = properties
        self.outputs = ["id"] + outputs
        self.providers = providers
    }

    public func property(_ name: String) -> PropertySchema? {
        properties.first { $0.name == name }
    }

    /// Every attribute a reference may name: the properties and the outputs.
    public var attributeNames: [String] {
        properties.map(\.name) + outputs
    }

    public var sensitiveProperties: Set<String> {
        Set(properties.filter(\.sensitive).map(\.name))
    }
}
