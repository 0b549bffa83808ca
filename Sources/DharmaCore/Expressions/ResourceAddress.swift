/// Which resource, or which copy of a repeated one: `app`, `app[0]` (from `count`),
/// `app["eu"]` (from `forEach`), or `app[*]` (every copy, in a reference). Plans, state and
/// messages name copies by this text, as Terraform does.
public struct ResourceAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Instance: Sendable, Hashable {
        case index(Int)
        case key(String)
        /// `[*]`: every copy, as a list.
        case all
    }

    /// The name the blueprint declares.
    public var name: String
    public var instance: Instance?

    public init(name: String, instance: Instance? = nil) {
        self.name = name
        self.instance = instance
    }

    public var description: String {
        switch instance {
        case nil: name
        case .index(let index): "\(name)[\(index)]"
        case .key(let key): "\(name)[\"\(key.replacing("\\", with: "\\\\").replacing("\"", with: "\\\""))\"]"
        case .all: "\(name)[*]"
        }
    }

    /// The name where brackets cannot go (file names, cloud names, code identifiers): `app-0`,
    /// `app-eu`; letters, digits, `-` and `_` of the key, the rest as `-`.
    public var flatName: String {
        switch instance {
        case nil: return name
        case .index(let index): return "\(name)-\(index)"
        case .all: return name
        case .key(let key):
            let safe = String(
                key.unicodeScalars.map {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") ? Character($0) : "-"
                })
            return "\(name)-\(safe.isEmpty ? "key" : safe)"
        }
    }

    /// `app`, `app[3]`, `app["eu-west"]` or `app[*]`; nil for anything else.
    public static func parse(_ text: String) -> ResourceAddress? {
        guard let open = text.firstIndex(of: "[") else {
            return Template.isIdentifier(text) ? ResourceAddress(name: text) : nil
        }
        let name = String(text[..<open])
        guard Template.isIdentifier(name), text.hasSuffix("]") else { return nil }
        let inside = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        if inside == "*" { return ResourceAddress(name: name, instance: .all) }
        if let index = Int(inside), index >= 0, !inside.hasPrefix("+") { return ResourceAddress(name: name, instance: .index(index)) }
        guard inside.count >= 2, inside.hasPrefix("\""), inside.hasSuffix("\"") else { return nil }
        var key = ""
        var escaped = false
        for character in inside.dropFirst().dropLast() {
            if escaped {
                key.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return nil
            } else {
                key.append(character)
            }
        }
        return escaped ? nil : ResourceAddress(name: name, instance: .key(key))
    }
}

extension ResourceAddress {
    /// A resource name as it can stand in a file name or identifier: a copy's `flatName`, any
    /// other name as it is.
    public static func flatName(of name: String) -> String {
        parse(name)?.flatName ?? name
    }
}
