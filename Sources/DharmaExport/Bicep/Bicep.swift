/// A Bicep expression, and a writer that lays Bicep out the way `bicep format` does:
/// two-space indents, one object property and one array item per line.
indirect enum Bicep: Sendable {
    case string(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case null
    /// A symbolic reference or function call, written as is: `vpc.id`, `resourceGroup().location`.
    case raw(String)
    /// `'text ${expression} text'`
    case interpolation([Bicep])
    case array([Bicep])
    case object([(String, Bicep)])

    static func strings(_ items: [String]) -> Bicep { .array(items.map(Bicep.string)) }

    static func sorted(_ entries: [String: Bicep]) -> Bicep { .object(entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) }
}

enum BicepWriter {
    static func expression(_ value: Bicep, indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch value {
        case .string(let text): return "'" + escape(text) + "'"
        case .int(let number): return String(number)
        case .number(let number):
            // Bicep has no floating-point literals; fractional values go in as strings.
            return number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : "json('\(number)')"
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .raw(let text): return text
        case .interpolation(let parts):
            if parts.count == 1, case .raw(let text) = parts[0] { return text }
            return "'"
                + parts.map { part in
                    switch part {
                    case .string(let text): return escape(text)
                    case .raw(let text): return "${\(text)}"
                    default: return "${\(expression(part, indent: indent))}"
                    }
                }.joined() + "'"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + expression($0, indent: indent + 1) + "\n" }.joined() + close + "]"
        case .object(let entries):
            if entries.isEmpty { return "{}" }
            return "{\n" + entries.map { pad + key($0.0) + ": " + expression($0.1, indent: indent + 1) + "\n" }.joined() + close + "}"
        }
    }

    static func escape(_ text: String) -> String {
        var out = ""
        var previous: Character?
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "{" where previous == "$": out.removeLast(); out += "\\${"
            default: out.append(character)
            }
            previous = character
        }
        return out
    }

    static func key(_ name: String) -> String {
        isIdentifier(name) ? name : "'" + escape(name) + "'"
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// Blueprint names become symbolic names: `public-a` → `publicA`.
    static func symbol(_ name: String) -> String {
        let parts = name.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        guard let first = parts.first else { return "resource" }
        let joined = first.lowercased() + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return joined.first?.isLetter == true ? joined : "r" + joined
    }
}

/// A `resource NAME 'TYPE@VERSION' = { ... }` declaration.
struct BicepResource: Sendable {
    var symbol: String
    var type: String
    var body: [(String, Bicep)]

    func text() -> String {
        "resource \(symbol) '\(type)' = " + BicepWriter.expression(.object(body), indent: 0) + "\n"
    }
}
