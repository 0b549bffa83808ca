/// A recursive-descent parser for HCL2 native syntax, working on UTF-8 bytes.
///
/// It covers what Terraform configurations use: blocks with labels, attributes, strings with
/// `${…}` interpolation and `%{…}` directives, heredocs, numbers, lists, objects, traversals,
/// splats, function calls, operators, conditionals and `for` expressions. Nesting is bounded,
/// so hostile input gets an error rather than a stack overflow.
public struct HCLParser {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var lineStart = 0
    /// Inside brackets, newlines are plain whitespace.
    private var bracketDepth = 0
    private var nesting = 0
    static let maximumNesting = 128

    public static func parse(_ text: String, path: String) throws(HCLSyntaxError) -> HCLFile {
        var parser = HCLParser(bytes: Array(text.utf8))
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        let body = try parser.parseBody(closing: nil)
        return HCLFile(path: path, body: body)
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: scanning

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func peek(_ offset: Int = 1) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    private mutating func advance() {
        if bytes[position] == UInt8(ascii: "\n") {
            line += 1
            lineStart = position + 1
        }
        position += 1
    }

    private func error(_ message: String) -> HCLSyntaxError {
        HCLSyntaxError(message: message, line: line, column: position - lineStart + 1)
    }

    /// Skips spaces and comments; newlines too when `newlines` (or inside brackets).
    private mutating func skipSpace(newlines: Bool = false) {
        while let byte = current {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                advance()
            case UInt8(ascii: "\n") where newlines || bracketDepth > 0:
                advance()
            case UInt8(ascii: "#"):
                while let next = current, next != UInt8(ascii: "\n") { advance() }
            case UInt8(ascii: "/") where peek() == UInt8(ascii: "/"):
                while let next = current, next != UInt8(ascii: "\n") { advance() }
            case UInt8(ascii: "/") where peek() == UInt8(ascii: "*"):
                advance(); advance()
                while let next = current, !(next == UInt8(ascii: "*") && peek() == UInt8(ascii: "/")) { advance() }
                if current != nil { advance(); advance() }
            default:
                return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(HCLSyntaxError) {
        skipSpace()
        guard current == byte else { throw error("expected \(what)" + (current.map { ", found `\(Self.describe($0))`" } ?? " before the end of the file")) }
        advance()
    }

    private static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "byte 0x" + String(byte, radix: 16)
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-")
    }

    private mutating func identifier() -> String? {
        guard let first = current, Self.isIdentifierStart(first) else { return nil }
        let start = position
        while let byte = current, Self.isIdentifierPart(byte) { advance() }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func enter() throws(HCLSyntaxError) {
        nesting += 1
        if nesting > Self.maximumNesting { throw error("nesting deeper than \(Self.maximumNesting) levels") }
    }

    // MARK: bodies

    private mutating func parseBody(closing: UInt8?) throws(HCLSyntaxError) -> HCLBody {
        try enter()
        defer { nesting -= 1 }
        var body = HCLBody()
        let savedDepth = bracketDepth
        bracketDepth = 0
        defer { bracketDepth = savedDepth }
        while true {
            skipSpace(newlines: true)
            guard let byte = current else {
                if closing != nil { throw error("a block is not closed by `}`") }
                return body
            }
            if let closing, byte == closing {
                advance()
                return body
            }
            let itemLine = line
            guard let name = identifier() else { throw error("expected an attribute or block name, found `\(Self.describe(byte))`") }
            skipSpace()
            if current == UInt8(ascii: "=") && peek() != UInt8(ascii: "=") {
                advance()
                let value = try parseExpression()
                body.attributes.append(HCLAttributeNode(name: name, expression: value, line: itemLine))
                try endOfItem()
                continue
            }
            var labels: [String] = []
            while true {
                skipSpace()
                if current == UInt8(ascii: "\"") {
                    labels.append(try quotedLabel())
                } else if let label = identifier() {
                    labels.append(label)
                } else {
                    break
                }
            }
            try expect(UInt8(ascii: "{"), "`=` or `{` after `\(name)`")
            let nested = try parseBody(closing: UInt8(ascii: "}"))
            body.blocks.append(HCLBlockNode(type: name, labels: labels, body: nested, line: itemLine))
            try endOfItem()
        }
    }

    /// An attribute or block ends at a newline, a `}` or the end of the file.
    private mutating func endOfItem() throws(HCLSyntaxError) {
        skipSpace()
        guard let byte = current else { return }
        if byte == UInt8(ascii: "\n") { advance(); return }
        if byte == UInt8(ascii: "}") { return }
        throw error("unexpected `\(Self.describe(byte))` after an attribute or block; each goes on its own line")
    }

    private mutating func quotedLabel() throws(HCLSyntaxError) -> String {
        let parts = try parseQuotedTemplate()
        var text = ""
        for part in parts {
            guard case .text(let literal) = part else { throw error("a block label cannot contain interpolation") }
            text += literal
        }
        return text
    }

    // MARK: expressions

    mutating func parseExpression() throws(HCLSyntaxError) -> HCLExpression {
        try enter()
        defer { nesting -= 1 }
        let condition = try parseBinary(level: 0)
        skipSpace()
        guard current == UInt8(ascii: "?") else { return condition }
        advance()
        let whenTrue = try parseExpression()
        try expect(UInt8(ascii: ":"), "`:` of a conditional")
        let whenFalse = try parseExpression()
        return .conditional(condition, whenTrue, whenFalse)
    }

    private static let levels: [[String]] = [["||"], ["&&"], ["==", "!="], ["<=", ">=", "<", ">"], ["+", "-"], ["*", "/", "%"]]

    private mutating func parseBinary(level: Int) throws(HCLSyntaxError) -> HCLExpression {
        if level == Self.levels.count { return try parseUnary() }
        var left = try parseBinary(level: level + 1)
        while true {
            skipSpace()
            guard let op = matchOperator(Self.levels[level]) else { return left }
            let right = try parseBinary(level: level + 1)
            left = .binary(op, left, right)
        }
    }

    private mutating func matchOperator(_ candidates: [String]) -> String? {
        for candidate in candidates {
            let utf8 = Array(candidate.utf8)
            guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 else { continue }
            // `=>` and `==` are not `=`-prefixed operators here; `<=`/`>=` are matched before `<`/`>`.
            if candidate == "<" || candidate == ">", peek() == UInt8(ascii: "=") { continue }
            if candidate == "/", peek() == UInt8(ascii: "/") || peek() == UInt8(ascii: "*") { continue }
            for _ in utf8 { advance() }
            return candidate
        }
        return nil
    }

    private mutating func parseUnary() throws(HCLSyntaxError) -> HCLExpression {
        skipSpace()
        if current == UInt8(ascii: "!") {
            advance()
            return .unary("!", try parseUnary())
        }
        if current == UInt8(ascii: "-") {
            advance()
            return .unary("-", try parseUnary())
        }
        return try parsePostfix(try parsePrimary())
    }

    private mutating func parsePostfix(_ base: HCLExpression) throws(HCLSyntaxError) -> HCLExpression {
        var traversers: [HCLExpression.Traverser] = []
        while true {
            let save = (position, line, lineStart)
            skipSpace()
            if current == UInt8(ascii: "."), let next = peek(), next != UInt8(ascii: ".") {
                advance()
                if current == UInt8(ascii: "*") {
                    advance()
                    traversers.append(.splat)
                } else if let name = identifier() {
                    traversers.append(.attribute(name))
                } else if let digit = current, digit >= 0x30 && digit <= 0x39 {
                    let start = position
                    while let byte = current, byte >= 0x30 && byte <= 0x39 { advance() }
                    traversers.append(.index(.number(Double(String(decoding: bytes[start..<position], as: UTF8.self)) ?? 0)))
                } else {
                    throw error("expected an attribute name after `.`")
                }
            } else if current == UInt8(ascii: "[") {
                advance()
                bracketDepth += 1
                skipSpace()
                if current == UInt8(ascii: "*") {
                    advance()
                    traversers.append(.splat)
                } else {
                    traversers.append(.index(try parseExpression()))
                }
                try expect(UInt8(ascii: "]"), "`]`")
                bracketDepth -= 1
            } else {
                (position, line, lineStart) = save
                return traversers.isEmpty ? base : .traversal(base, traversers)
            }
        }
    }

    private mutating func parsePrimary() throws(HCLSyntaxError) -> HCLExpression {
        skipSpace()
        guard let byte = current else { throw error("expected an expression before the end of the file") }
        switch byte {
        case UInt8(ascii: "\""):
            return .template(try parseQuotedTemplate())
        case UInt8(ascii: "<") where peek() == UInt8(ascii: "<"):
            return .template(try parseHeredoc())
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        case UInt8(ascii: "("):
            advance()
            bracketDepth += 1
            let inner = try parseExpression()
            try expect(UInt8(ascii: ")"), "`)`")
            bracketDepth -= 1
            return inner
        case UInt8(ascii: "["):
            return try parseTuple()
        case UInt8(ascii: "{"):
            return try parseObject()
        default:
            guard let name = identifier() else { throw error("unexpected `\(Self.describe(byte))` where an expression should be") }
            switch name {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: break
            }
            skipSpace()
            if current == UInt8(ascii: "(") {
                return try parseCall(name)
            }
            if current == UInt8(ascii: ":"), peek() == UInt8(ascii: ":") {
                // provider-defined functions: provider::NAME::function(...)
                var full = name
                while current == UInt8(ascii: ":"), peek() == UInt8(ascii: ":") {
                    advance(); advance()
                    guard let part = identifier() else { throw error("expected a name after `::`") }
                    full += "::" + part
                }
                skipSpace()
                return try parseCall(full)
            }
            return .variable(name)
        }
    }

    private mutating func parseCall(_ name: String) throws(HCLSyntaxError) -> HCLExpression {
        try expect(UInt8(ascii: "("), "`(`")
        bracketDepth += 1
        defer { bracketDepth -= 1 }
        var arguments: [HCLExpression] = []
        skipSpace()
        if current == UInt8(ascii: ")") { advance(); return .call(name, arguments) }
        while true {
            arguments.append(try parseExpression())
            skipSpace()
            if current == UInt8(ascii: "."), peek() == UInt8(ascii: "."), peek(2) == UInt8(ascii: ".") {
                advance(); advance(); advance()
                skipSpace()
            }
            if current == UInt8(ascii: ",") { advance(); skipSpace() }
            if current == UInt8(ascii: ")") { advance(); return .call(name, arguments) }
            if current == nil { throw error("`\(name)(` is not closed by `)`") }
        }
    }

    private mutating func parseNumber() throws(HCLSyntaxError) -> HCLExpression {
        let start = position
        while let byte = current,
            (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || ((byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-"))
                    && (bytes[position - 1] == UInt8(ascii: "e") || bytes[position - 1] == UInt8(ascii: "E")))
        {
            if byte == UInt8(ascii: "."), !(peek().map { $0 >= 0x30 && $0 <= 0x39 } ?? false) { break }
            advance()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text) else { throw error("`\(text)` is not a number") }
        return .number(value)
    }

    private mutating func parseTuple() throws(HCLSyntaxError) -> HCLExpression {
        advance()
        bracketDepth += 1
        defer { bracketDepth -= 1 }
        skipSpace()
        if let keyword = peekKeyword(), keyword == "for" {
            let (key, value, collection) = try parseForHead()
            let result = try parseExpression()
            let condition = try parseForCondition()
            try expect(UInt8(ascii: "]"), "`]` closing a `for` expression")
            return .forTuple(key: key, value: value, collection: collection, result: result, condition: condition)
        }
        var items: [HCLExpression] = []
        while true {
            skipSpace()
            if current == UInt8(ascii: "]") { advance(); return .tuple(items) }
            if current == nil { throw error("a list is not closed by `]`") }
            items.append(try parseExpression())
            skipSpace()
            if current == UInt8(ascii: ",") {
                advance()
            } else if current != UInt8(ascii: "]") {
                throw error("expected `,` or `]` in a list" + (current.map { ", found `\(Self.describe($0))`" } ?? ""))
            }
        }
    }

    private mutating func parseObject() throws(HCLSyntaxError) -> HCLExpression {
        advance()
        bracketDepth += 1
        defer { bracketDepth -= 1 }
        skipSpace()
        if let keyword = peekKeyword(), keyword == "for" {
            let (key, value, collection) = try parseForHead()
            let resultKey = try parseExpression()
            skipSpace()
            guard current == UInt8(ascii: "="), peek() == UInt8(ascii: ">") else { throw error("expected `=>` in a `for` object expression") }
            advance(); advance()
            let result = try parseExpression()
            skipSpace()
            var grouped = false
            if current == UInt8(ascii: "."), peek() == UInt8(ascii: "."), peek(2) == UInt8(ascii: ".") {
                advance(); advance(); advance()
                grouped = true
            }
            let condition = try parseForCondition()
            try expect(UInt8(ascii: "}"), "`}` closing a `for` expression")
            return .forObject(key: key, value: value, collection: collection, resultKey: resultKey, result: result, condition: condition, grouped: grouped)
        }
        var entries: [(HCLExpression, HCLExpression)] = []
        while true {
            skipSpace()
            if current == UInt8(ascii: "}") { advance(); return .object(entries) }
            if current == nil { throw error("an object is not closed by `}`") }
            let key: HCLExpression
            if let byte = current, Self.isIdentifierStart(byte) {
                let save = (position, line, lineStart)
                let name = identifier() ?? ""
                skipSpace()
                if current == UInt8(ascii: "=") || current == UInt8(ascii: ":") {
                    key = .template([.text(name)])
                } else {
                    (position, line, lineStart) = save
                    key = try parseExpression()
                }
            } else {
                key = try parseExpression()
            }
            skipSpace()
            guard current == UInt8(ascii: "=") || current == UInt8(ascii: ":") else {
                throw error("expected `=` or `:` after an object key" + (current.map { ", found `\(Self.describe($0))`" } ?? ""))
            }
            advance()
            entries.append((key, try parseExpression()))
            skipSpace()
            if current == UInt8(ascii: ",") { advance() }
        }
    }

    private mutating func peekKeyword() -> String? {
        let save = (position, line, lineStart)
        defer { (position, line, lineStart) = save }
        return identifier()
    }

    private mutating func parseForHead() throws(HCLSyntaxError) -> (String?, String, HCLExpression) {
        _ = identifier()
        skipSpace()
        guard let first = identifier() else { throw error("expected a name after `for`") }
        skipSpace()
        var key: String?
        var value = first
        if current == UInt8(ascii: ",") {
            advance()
            skipSpace()
            guard let second = identifier() else { throw error("expected a second name after `,` in `for`") }
            key = first
            value = second
            skipSpace()
        }
        guard identifier() == "in" else { throw error("expected `in` in a `for` expression") }
        let collection = try parseExpression()
        try expect(UInt8(ascii: ":"), "`:` in a `for` expression")
        return (key, value, collection)
    }

    private mutating func parseForCondition() throws(HCLSyntaxError) -> HCLExpression? {
        skipSpace()
        guard peekKeyword() == "if" else { return nil }
        _ = identifier()
        return try parseExpression()
    }

    // MARK: templates

    private mutating func parseQuotedTemplate() throws(HCLSyntaxError) -> [HCLExpression.TemplatePart] {
        advance()
        var parts: [HCLExpression.TemplatePart] = []
        var text: [UInt8] = []
        while true {
            guard let byte = current, byte != UInt8(ascii: "\n") else { throw error("a string is not closed by `\"`") }
            if byte == UInt8(ascii: "\"") { advance(); Self.flush(&parts, &text); return parts }
            if byte == UInt8(ascii: "\\") {
                advance()
                guard let escaped = current else { throw error("a string ends in `\\`") }
                advance()
                switch escaped {
                case UInt8(ascii: "n"): text.append(10)
                case UInt8(ascii: "t"): text.append(9)
                case UInt8(ascii: "r"): text.append(13)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): text.append(escaped)
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let count = escaped == UInt8(ascii: "u") ? 4 : 8
                    guard position + count <= bytes.count, let code = UInt32(String(decoding: bytes[position..<position + count], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw error("invalid `\\u` escape") }
                    for _ in 0..<count { advance() }
                    text.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw error("unknown escape `\\\(Self.describe(escaped))` in a string")
                }
                continue
            }
            if try templateSequence(&parts, &text) { continue }
            text.append(byte)
            advance()
        }
    }

    private static func flush(_ parts: inout [HCLExpression.TemplatePart], _ text: inout [UInt8]) {
        if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))); text.removeAll() }
    }

    /// `${…}`, `%{…}`, and their escapes `$${` / `%%{`. True when something was consumed.
    private mutating func templateSequence(_ parts: inout [HCLExpression.TemplatePart], _ text: inout [UInt8]) throws(HCLSyntaxError) -> Bool {
        guard let byte = current, byte == UInt8(ascii: "$") || byte == UInt8(ascii: "%") else { return false }
        if peek() == byte, peek(2) == UInt8(ascii: "{") {
            advance(); advance(); advance()
            text.append(byte); text.append(UInt8(ascii: "{"))
            return true
        }
        guard peek() == UInt8(ascii: "{") else { return false }
        advance(); advance()
        if current == UInt8(ascii: "~") { advance() }
        Self.flush(&parts, &text)
        bracketDepth += 1
        defer { bracketDepth -= 1 }
        if byte == UInt8(ascii: "$") {
            let expression = try parseExpression()
            skipSpace()
            if current == UInt8(ascii: "~") { advance() }
            try expect(UInt8(ascii: "}"), "`}` closing `${`")
            parts.append(.interpolation(expression))
        } else {
            var depth = 1
            while let next = current, depth > 0 {
                if next == UInt8(ascii: "{") { depth += 1 }
                if next == UInt8(ascii: "}") { depth -= 1 }
                advance()
            }
            guard depth == 0 else { throw error("`%{` is not closed by `}`") }
            parts.append(.directive)
        }
        return true
    }

    private mutating func parseHeredoc() throws(HCLSyntaxError) -> [HCLExpression.TemplatePart] {
        advance(); advance()
        var indented = false
        if current == UInt8(ascii: "-") { advance(); indented = true }
        guard let marker = identifier() else { throw error("expected a heredoc marker after `<<`") }
        while let byte = current, byte != UInt8(ascii: "\n") {
            guard byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") else {
                throw error("unexpected text after the heredoc marker")
            }
            advance()
        }
        guard current != nil else { throw error("heredoc `\(marker)` is never closed") }
        advance()
        // Collect lines up to the closing marker, then parse them as a template.
        var lines: [[UInt8]] = []
        var lineBytes: [UInt8] = []
        let markerBytes = Array(marker.utf8)
        while true {
            guard let byte = current else { throw error("heredoc `\(marker)` is never closed") }
            if byte == UInt8(ascii: "\n") {
                let trimmed = Array(lineBytes.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.filter { $0 != UInt8(ascii: "\r") })
                if trimmed == markerBytes { break }
                lines.append(lineBytes)
                lineBytes.removeAll()
                advance()
                continue
            }
            lineBytes.append(byte)
            advance()
            if current == nil {
                let trimmed = Array(lineBytes.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.filter { $0 != UInt8(ascii: "\r") })
                if trimmed == markerBytes { break }
                throw error("heredoc `\(marker)` is never closed")
            }
        }
        if indented {
            let common =
                lines.filter { !$0.allSatisfy { $0 == UInt8(ascii: " ") } }
                .map { $0.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.count }.min() ?? 0
            lines = lines.map { Array($0.dropFirst(min(common, $0.count))) }
        }
        var content: [UInt8] = []
        for line in lines { content += line + [UInt8(ascii: "\n")] }
        var inner = HCLParser(bytes: content)
        inner.line = line - lines.count
        inner.nesting = nesting
        return try inner.parseTemplateBody()
    }

    /// A whole buffer as template content: literal text with `${…}` and `%{…}`.
    private mutating func parseTemplateBody() throws(HCLSyntaxError) -> [HCLExpression.TemplatePart] {
        var parts: [HCLExpression.TemplatePart] = []
        var text: [UInt8] = []
        while let byte = current {
            if try templateSequence(&parts, &text) { continue }
            text.append(byte)
            advance()
        }
        Self.flush(&parts, &text)
        return parts
    }
}
