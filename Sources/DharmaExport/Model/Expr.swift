import DharmaCore

/// A property value on its way into generated code: literal parts stay values, while
/// references keep their meaning so each format can write them its own way (`var.x` and
/// `aws_db_instance.db.address` in Terraform, `!GetAtt Db.Endpoint.Address` in CloudFormation).
public indirect enum Expr: Sendable, Hashable {
    case value(Value)
    /// A blueprint variable, with the value it resolves to for mappings that must compute
    /// with it (turning `100Gi` into a whole number of gigabytes).
    case variable(String, resolved: Value)
    /// An output of another resource of the stack.
    case output(resource: String, attribute: String, path: [String])
    /// A string built from literal text and the pieces above.
    case interpolation([Expr])
    case list([Expr])
    case map([String: Expr])

    /// The value with variables substituted; nil when it depends on another resource.
    public var resolved: Value? {
        switch self {
        case .value(let value): return value
        case .variable(_, let value): return value
        case .output: return nil
        case .interpolation(let parts):
            var text = ""
            for part in parts {
                guard let value = part.resolved else { return nil }
                text += value.interpolated
            }
            return .string(text)
        case .list(let items):
            var values: [Value] = []
            for item in items {
                guard let value = item.resolved else { return nil }
                values.append(value)
            }
            return .list(values)
        case .map(let entries):
            var values: [String: Value] = [:]
            for (key, entry) in entries {
                guard let value = entry.resolved else { return nil }
                values[key] = value
            }
            return .map(values)
        }
    }

    public var listItems: [Expr]? {
        switch self {
        case .list(let items): return items
        case .value(.list(let values)), .variable(_, .list(let values)): return values.map(Expr.value)
        default: return nil
        }
    }

    public var mapEntries: [String: Expr]? {
        switch self {
        case .map(let entries): return entries
        case .value(.map(let values)), .variable(_, .map(let values)): return values.mapValues(Expr.value)
        default: return nil
        }
    }

    /// Names of the resources this expression reads outputs of.
    public var referencedResources: Set<String> {
        switch self {
        case .value, .variable: return []
        case .output(let resource, _, _): return [resource]
        case .interpolation(let parts), .list(let parts): return parts.reduce(into: []) { $0.formUnion($1.referencedResources) }
        case .map(let entries): return entries.values.reduce(into: []) { $0.formUnion($1.referencedResources) }
        }
    }

    /// Builds the expression for a value as written in a blueprint, keeping `${…}` references.
    static func parse(_ value: Value, variables: [String: Value]) -> Expr {
        switch value {
        case .string(let text) where Template.containsExpression(text):
            guard let template = try? Template.parse(text) else { return .value(value) }
            let parts: [Expr] = template.parts.map { part in
                switch part {
                case .literal(let literal): return .value(.string(literal))
                case .reference(let reference): return expression(for: reference, variables: variables)
                }
            }
            return parts.count == 1 ? parts[0] : .interpolation(parts)
        case .list(let items):
            return .list(items.map { parse($0, variables: variables) })
        case .map(let entries):
            return .map(entries.mapValues { parse($0, variables: variables) })
        default:
            return .value(value)
        }
    }

    private static func expression(for reference: Reference, variables: [String: Value]) -> Expr {
        switch reference.root {
        case .variable(let name):
            var value = variables[name] ?? .null
            for key in reference.path { value = value.mapValue?[key] ?? .null }
            return reference.path.isEmpty ? .variable(name, resolved: value) : .value(value)
        case .resource(let name):
            return .output(resource: ResourceAddress.flatName(of: name), attribute: reference.attribute, path: reference.path)
        case .selfResource:
            return .value(.string("${\(reference)}"))
        }
    }
}
