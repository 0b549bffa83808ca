extension YNode {
    /// The plain data value of this node, scalars resolved by the YAML core schema.
    public var value: Value {
        switch kind {
        case .scalar(let text, let plain):
            return plain ? ScalarResolver.resolve(text) : .string(text)
        case .sequence(let items):
            return .list(items.map(\.value))
        case .mapping(let pairs):
            var entries: [String: Value] = [:]
            for pair in pairs { entries[pair.key] = pair.value.value }
            return .map(entries)
        }
    }
}
