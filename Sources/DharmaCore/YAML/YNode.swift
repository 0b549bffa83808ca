/// A YAML node with the place it came from. Dharma decodes blueprints from this tree rather than
/// through `Codable`, so every diagnostic can point at the exact key or value.
public struct YNode: Sendable {
    public enum Kind: Sendable {
        /// `plain` is false for quoted and block scalars: `"2"` is a string, `2` an integer.
        case scalar(String, plain: Bool)
        case sequence([YNode])
        case mapping([YPair])
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    public var mapping: [YPair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    public var sequence: [YNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// The scalar's text, if this is a scalar.
    public var scalar: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    public var kindName: String {
        switch kind {
        case .scalar(let text, let plain):
            return plain ? ScalarResolver.resolve(text).kindName : "string"
        case .sequence: return "list"
        case .mapping: return "map"
        }
    }

    public subscript(key: String) -> YNode? {
        mapping?.first { $0.key == key }?.value
    }
}

/// A mapping entry: string key (with its own location, for "unknown key" errors) and value.
public struct YPair: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: YNode

    public init(key: String, keyLocation: SourceLocation, value: YNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}
