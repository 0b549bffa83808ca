/// An HCL expression as Dharma writes it. Only the forms generated code needs.
public indirect enum HCL: Sendable, Hashable {
    case string(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case null
    /// A bare reference such as `var.region` or `aws_vpc.vpc.id`.
    case traversal(String)
    /// A quoted template: literal text and `${traversal}` pieces.
    case template([HCL])
    case list([HCL])
    case object([(String, HCL)])
    /// A function call such as `jsonencode({...})`.
    case call(String, [HCL])

    public static func == (lhs: HCL, rhs: HCL) -> Bool { HCLWriter.expression(lhs, indent: 0) == HCLWriter.expression(rhs, indent: 0) }
    public func hash(into hasher: inout Hasher) { hasher.combine(HCLWriter.expression(self, indent: 0)) }

    /// An object with keys in sorted order, which keeps generated files deterministic.
    public static func sortedObject(_ entries: [String: HCL]) -> HCL {
        .object(entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    public static func strings(_ items: [String]) -> HCL { .list(items.map(HCL.string)) }
}

/// A block: `resource "aws_vpc" "vpc" { ... }`.
public struct HCLBlock: Sendable {
    public enum Item: Sendable {
        case attribute(String, HCL)
        case block(HCLBlock)
    }

    public var type: String
    public var labels: [String]
    public var items: [Item]

    public init(_ type: String, _ labels: [String] = [], _ items: [Item] = []) {
        self.type = type
        self.labels = labels
        self.items = items
    }
}

/// Writes HCL laid out the way `terraform fmt` lays it out: two-space indents, `=` aligned
/// across runs of one-line attributes, a blank line around nested blocks.
public enum HCLWriter {
    public static func file(_ blocks: [HCLBlock]) -> String {
        blocks.map { block($0, indent: 0) }.joined(separator: "\n")
    }

    static func block(_ block: HCLBlock, indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent)
        let header = ([block.type] + block.labels.map { quote($0) }).joined(separator: " ")
        if block.items.isEmpty { return "\(pad)\(header) {}\n" }
        return "\(pad)\(header) {\n" + body(block.items, indent: indent + 1) + "\(pad)}\n"
    }

    static func body(_ items: [HCLBlock.Item], indent: Int) -> String {
        var out = ""
        var run: [(String, String)] = []
        var previousWasBlock = false
        func flush() {
            let width = run.filter { !$0.1.contains("\n") }.map(\.0.count).max() ?? 0
            let pad = String(repeating: "  ", count: indent)
            for (name, value) in run {
                let spacing = value.contains("\n") ? " " : String(repeating: " ", count: width - name.count + 1)
                out += "\(pad)\(name)\(spacing)= \(value)\n"
            }
            run.removeAll()
        }
        for (index, item) in items.enumerated() {
            switch item {
            case .attribute(let name, let value):
                if previousWasBlock { out += "\n" }
                let text = expression(value, indent: indent)
                if text.contains("\n") {
                    flush()
                    run.append((name, text))
                    flush()
                } else {
                    run.append((name, text))
                }
                previousWasBlock = false
            case .block(let nested):
                flush()
                if index > 0 { out += "\n" }
                out += block(nested, indent: indent)
                previousWasBlock = true
            }
        }
        flush()
        return out
    }

    static func expression(_ value: HCL, indent: Int) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .int(let number): return String(number)
        case .number(let number):
            return number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .traversal(let path): return path
        case .template(let pieces):
            if pieces.count == 1, case .traversal(let path) = pieces[0] { return path }
            return "\""
                + pieces.map { piece in
                    switch piece {
                    case .string(let text): return escape(text)
                    case .traversal(let path): return "${\(path)}"
                    default: return "${\(expression(piece, indent: indent))}"
                    }
                }.joined() + "\""
        case .list(let items):
            if items.isEmpty { return "[]" }
            let rendered = items.map { expression($0, indent: indent + 1) }
            let inline = "[" + rendered.joined(separator: ", ") + "]"
            if !inline.contains("\n"), inline.count <= 80 { return inline }
            let pad = String(repeating: "  ", count: indent + 1)
            return "[\n" + rendered.map { "\(pad)\($0),\n" }.joined() + String(repeating: "  ", count: indent) + "]"
        case .object(let entries):
            if entries.isEmpty { return "{}" }
            let items = entries.map { HCLBlock.Item.attribute(objectKey($0.0), $0.1) }
            return "{\n" + body(items, indent: indent + 1) + String(repeating: "  ", count: indent) + "}"
        case .call(let name, let arguments):
            return name + "(" + arguments.map { expression($0, indent: indent) }.joined(separator: ", ") + ")"
        }
    }

    static func quote(_ text: String) -> String { "\"" + escape(text) + "\"" }

    static func escape(_ text: String) -> String {
        var out = ""
        var previous: Character?
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // `${` and `%{` would start interpolation; HCL escapes them by doubling the sigil.
            case "{" where previous == "$": out += "${"
            case "{" where previous == "%": out += "%{"
            default: out.append(character)
            }
            previous = character
        }
        return out
    }

    /// Object keys are bare when they are plain identifiers and quoted otherwise.
    static func objectKey(_ key: String) -> String {
        let plain =
            !key.isEmpty && key.first.map { $0.isLetter || $0 == "_" } == true
            && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        return plain ? key : quote(key)
    }

    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
