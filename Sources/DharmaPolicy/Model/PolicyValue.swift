import DharmaCore
import Foundation

/// An attribute value of a scanned resource. `unknown` is what a scan cannot know (an unset
/// variable, a function it does not run); `reference` points into another resource, which is
/// how split resources (`aws_s3_bucket_versioning`) are linked back to what they configure.
public indirect enum PolicyValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([PolicyValue])
    case map([String: PolicyValue])
    case unknown
    /// `aws_s3_bucket.logs.id`: the referenced resource's address and the attribute path.
    case reference(address: String, attribute: String)

    public subscript(key: String) -> PolicyValue? {
        if case .map(let entries) = self { return entries[key] }
        return nil
    }

    public var string: String? {
        switch self {
        case .string(let text): return text
        case .number(let number): return number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// Numbers, and strings that hold one (Terraform converts freely).
    public var number: Double? {
        switch self {
        case .number(let number): return number
        case .string(let text): return Double(text.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// Booleans, and the strings "true"/"false" (Terraform converts freely).
    public var bool: Bool? {
        switch self {
        case .bool(let flag): return flag
        case .string(let text): return text.lowercased() == "true" ? true : text.lowercased() == "false" ? false : nil
        default: return nil
        }
    }

    public var list: [PolicyValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    public var isUnknown: Bool {
        switch self {
        case .unknown: return true
        case .list(let items): return items.contains { $0.isUnknown }
        case .map(let entries): return entries.values.contains { $0.isUnknown }
        default: return false
        }
    }

    /// Reads JSON text (policy documents are often JSON strings) into a value.
    public static func json(_ text: String) -> PolicyValue? {
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(text.utf8)) else { return nil }
        return from(value)
    }

    static func from(_ value: Value) -> PolicyValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .number(Double(number))
        case .double(let number): return .number(number)
        case .string(let text): return .string(text)
        case .list(let items): return .list(items.map(from))
        case .map(let entries): return .map(entries.mapValues(from))
        case .unknown: return .unknown
        }
    }

    /// JSON text of a value, as Terraform's `jsonencode` writes it (keys sorted).
    public var jsonText: String? {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number: return string
        case .string(let text):
            guard let data = try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]) else { return nil }
            return String(decoding: data, as: UTF8.self)
        case .list(let items):
            var parts: [String] = []
            for item in items { guard let text = item.jsonText else { return nil }; parts.append(text) }
            return "[" + parts.joined(separator: ",") + "]"
        case .map(let entries):
            var parts: [String] = []
            for key in entries.keys.sorted() {
                guard let text = entries[key]?.jsonText, let keyText = PolicyValue.string(key).jsonText else { return nil }
                parts.append(keyText + ":" + text)
            }
            return "{" + parts.joined(separator: ",") + "}"
        case .unknown, .reference: return nil
        }
    }
}
