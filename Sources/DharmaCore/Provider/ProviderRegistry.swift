/// The providers this build knows, by name.
public struct ProviderRegistry: Sendable {
    private var providers: [ProviderName: any Provider]

    public init(_ providers: [any Provider]) {
        self.providers = Dictionary(providers.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func provider(_ name: ProviderName) -> (any Provider)? {
        providers[name]
    }
}
