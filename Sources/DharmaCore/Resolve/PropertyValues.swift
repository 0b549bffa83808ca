/// Turns a property as written into a value, guided by its schema: a plain `0644` under a
/// string-typed property stays the text "0644" instead of becoming the integer 644.
public enum PropertyValues {
    public static func value(of node: YNode, kind: PropertyKind) -> Value {
        switch (kind, node.kind) {
        case (.string, .scalar(let text, _)), (.cidr, .scalar(let text, _)), (.oneOf, .scalar(let text, _)):
            return node.value == .null ? .null : .string(text)
        case (.list(let element), .sequence(let items)):
            return .list(items.map { value(of: $0, kind: element) })
        case (.map(let element), .mapping(let pairs)):
            var entries: [String: Value] = [:]
            for pair in pairs { entries[pair.key] = value(of: pair.value, kind: element) }
            return .map(entries)
        case (.object(let fields), .mapping(let pairs)):
            var entries: [String: Value] = [:]
            for pair in pairs {
                let field = fields.first { $0.name == pair.key }
                entries[pair.key] = field.map { value(of: pair.value, kind: $0.kind) } ?? pair.value.value
            }
            return .map(entries)
        default:
            return node.value
        }
    }

    /// The declared inputs of a resource with the schema's defaults filled in, before
    /// expressions are evaluated.
    public static func inputs(of resource: ResourceSpec, type: ResourceType) -> [String: Value] {
        var inputs: [String: Value] = [:]
        for schema in type.properties {
            if let entry = resource.property(schema.name) {
                inputs[schema.name] = value(of: entry.node, kind: schema.kind)
            } else if let defaultValue = schema.defaultValue {
                inputs[schema.name] = defaultValue
            }
        }
        return inputs
    }
}
