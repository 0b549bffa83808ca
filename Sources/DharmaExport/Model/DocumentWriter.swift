/// Writes `Document`s as block-style YAML or as indented JSON.
public enum DocumentWriter {
    public static func yaml(_ document: Document) -> String {
        var out = ""
        writeYAML(document, indent: 0, into: &out, inline: false)
        return out
    }

    private static func writeYAML(_ document: Document, indent: Int, into out: inout String, inline: Bool) {
        let pad = String(repeating: "  ", count: indent)
        switch document {
        case .map(let entries) where !entries.isEmpty:
            for (index, entry) in entries.enumerated() {
                if !(inline && index == 0) { out += pad }
                out += yamlKey(entry.key) + ":"
                writeYAMLValue(entry.value, indent: indent, into: &out)
            }
        case .list(let items) where !items.isEmpty:
            for (index, item) in items.enumerated() {
                if !(inline && index == 0) { out += pad }
                out += "-"
                switch item {
                case .map(let entries) where !entries.isEmpty:
                    out += " "
                    writeYAML(item, indent: indent + 1, into: &out, inline: true)
                case .list(let nested) where !nested.isEmpty:
                    out += "\n"
                    writeYAML(item, indent: indent + 1, into: &out, inline: false)
                default:
                    out += " " + scalar(item) + "\n"
                }
            }
        default:
            out += pad + scalar(document) + "\n"
        }
    }

    private static func writeYAMLValue(_ value: Document, indent: Int, into out: inout String) {
        switch value {
        case .map(let entries) where !entries.isEmpty:
            out += "\n"
            writeYAML(value, indent: indent + 1, into: &out, inline: false)
        case .list(let items) where !items.isEmpty:
            out += "\n"
            writeYAML(value, indent: indent + 1, into: &out, inline: false)
        default:
            out += " " + scalar(value) + "\n"
        }
    }

    private static func scalar(_ document: Document) -> String {
        switch document {
        case .string(let text): return quoteIfNeeded(text)
        case .int(let number): return String(number)
        case .number(let number): return number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .list: return "[]"
        case .map: return "{}"
        }
    }

    private static func yamlKey(_ key: String) -> String { quoteIfNeeded(key) }

    /// Plain scalars only when YAML would read them back as the same string.
    static func quoteIfNeeded(_ text: String) -> String {
        let reserved: Set<String> = ["", "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
        let safe =
            text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./".contains($0)) }
            && !reserved.contains(text.lowercased())
            && !(text.first.map { $0.isNumber || $0 == "-" || $0 == "." } ?? true)
        return safe ? text : json(.string(text))
    }

    public static func json(_ document: Document, indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch document {
        case .string(let text): return "\"" + escape(text) + "\""
        case .map(let entries):
            if entries.isEmpty { return "{}" }
            return "{\n" + entries.map { "\(pad)\"\(escape($0.key))\": \(json($0.value, indent: indent + 1))" }.joined(separator: ",\n") + "\n\(close)}"
        case .list(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + json($0, indent: indent + 1) }.joined(separator: ",\n") + "\n\(close)]"
        default:
            return scalar(document)
        }
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
