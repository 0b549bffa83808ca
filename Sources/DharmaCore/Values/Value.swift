/// A property value of a resource, after YAML decoding. `unknown` stands for a value that only
/// exists after apply (another resource's `url`, say); the plan prints it as "(known after apply)".
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case map([String: Value])
    case unknown(String)

    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        case .unknown: return "unknown"
        }
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 1e15: return Int(value)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var listValue: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }

    public var mapValue: [String: Value]? {
        if case .map(let entries) = self { return entries }
        return nil
    }

    /// True when this value, or anything inside it, is only known after apply.
    public var containsUnknown: Bool {
        switch self {
        case .unknown: return true
        case .list(let items): return items.contains { $0.containsUnknown }
        case .map(let entries): return entries.values.contains { $0.containsUnknown }
        default: return false
        }
    }

    /// The text used when a value is spliced into a string (`"http://${web.host}"`).
    public var interpolated: String {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let text): return text
        case .list, .map: return rendered
        case .unknown(let expression): return "${\(expression)}"
        }
    }

    /// A compact, deterministic, JSON-like rendering for plans and diffs.
    public var rendered: String {
        switch self {
        case .null: return "null"
        case .string(let text): return JSONText.quote(text)
        case .list(let items): return "[" + items.map(\.rendered).joined(separator: ", ") + "]"
        case .map(let entries):
            return "{"
                + entries.sorted { $0.key < $1.key }.map { "\(JSONText.quote($0.key)): \($0.value.rendered)" }
                .joined(separator: ", ") + "}"
        case .unknown: return "(known after apply)"
        default: return interpolated
        }
    }
}

extension Value: Codable {
    private static let unknownKey = "$unknown"

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int.self) { self = .int(value); return }
        if let value = try? container.decode(Double.self) { self = .double(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([Value].self) { self = .list(value); return }
        let entries = try container.decode([String: Value].self)
        if entries.count == 1, case .string(let expression)? = entries[Self.unknownKey] {
            self = .unknown(expression)
        } else {
            self = .map(entries)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value.isFinite ? value : 0)
        case .string(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .map(let value): try container.encode(value)
        case .unknown(let expression): try container.encode([Self.unknownKey: expression])
        }
    }
}
