/// A string property parsed into literal text and `${…}` references. `$${` escapes a literal `${`.
public struct Template: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case reference(Reference)
    }

    public var parts: [Part]

    public struct SyntaxError: Error, Sendable {
        public var message: String
        /// Offset in Unicode scalars from the start of the string, for the caret.
        public var offset: Int
    }

    /// The single reference when the whole string is one `${…}`; its value keeps its type
    /// (`replicas: ${var.replicas}` stays an integer).
    public var soleReference: Reference? {
        if parts.count == 1, case .reference(let reference) = parts[0] { return reference }
        return nil
    }

    public var references: [Reference] {
        parts.compactMap { if case .reference(let reference) = $0 { return reference } else { return nil } }
    }

    public static func containsExpression(_ text: String) -> Bool {
        text.contains("${")
    }

    public static func parse(_ text: String) throws(SyntaxError) -> Template {
        let scalars = Array(text.unicodeScalars)
        var parts: [Part] = []
        var literal = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "$", index + 2 < scalars.count, scalars[index + 1] == "$", scalars[index + 2] == "{" {
                literal.append(contentsOf: ["$", "{"])
                index += 3
                continue
            }
            if scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{" {
                guard let close = scalars[(index + 2)...].firstIndex(of: "}") else {
                    throw SyntaxError(message: "`${` is not closed by `}`", offset: index)
                }
                let body = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
                let reference = try parseReference(body.trimmingSpaces, offset: index)
                if !literal.isEmpty { parts.append(.literal(String(literal))); literal = .init() }
                parts.append(.reference(reference))
                index = close + 1
                continue
            }
            literal.append(scalars[index])
            index += 1
        }
        if !literal.isEmpty || parts.isEmpty { parts.append(.literal(String(literal))) }
        return Template(parts: parts)
    }

    private static func parseReference(_ body: String, offset: Int) throws(SyntaxError) -> Reference {
        // A copy of a repeated resource: `app[0].id`, `app["eu.west"].id`, `app[*].id`; the
        // bracket may hold a quoted key with dots, so the root is read before splitting.
        if let open = body.firstIndex(of: "["), !body[..<open].contains(".") {
            guard let close = Self.closingBracket(in: body, from: open) else {
                throw SyntaxError(message: "`[` in `${\(body)}` is not closed by `]`", offset: offset)
            }
            let root = String(body[...close])
            guard let address = ResourceAddress.parse(root) else {
                throw SyntaxError(message: "`\(root)` in `${\(body)}` is not a copy: write NAME[0], NAME[\"KEY\"] or NAME[*]", offset: offset)
            }
            let rest = body[body.index(after: close)...]
            guard rest.hasPrefix(".") else {
                throw SyntaxError(message: "`${\(body)}` names no attribute; write `${\(root).ATTRIBUTE}`", offset: offset)
            }
            let segments = rest.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            for segment in segments where !isIdentifier(segment) {
                throw SyntaxError(message: "`\(segment)` in `${\(body)}` is not a valid name", offset: offset)
            }
            return Reference(root: .resource(address.description), attribute: segments[0], path: Array(segments.dropFirst()))
        }
        let segments = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 2 else {
            throw SyntaxError(
                message: "`${\(body)}` is not a reference; write `${var.NAME}`, `${RESOURCE.ATTRIBUTE}` or `${self.ATTRIBUTE}`",
                offset: offset)
        }
        for segment in segments where !isIdentifier(segment) {
            throw SyntaxError(message: "`\(segment)` in `${\(body)}` is not a valid name", offset: offset)
        }
        switch segments[0] {
        case "var":
            return Reference(root: .variable(segments[1]), attribute: segments[1], path: Array(segments.dropFirst(2)))
        case "self":
            return Reference(root: .selfResource, attribute: segments[1], path: Array(segments.dropFirst(2)))
        default:
            return Reference(root: .resource(segments[0]), attribute: segments[1], path: Array(segments.dropFirst(2)))
        }
    }

    /// The `]` that closes the `[` at `open`, past a quoted key.
    private static func closingBracket(in text: String, from open: String.Index) -> String.Index? {
        var inQuotes = false
        var escaped = false
        var index = text.index(after: open)
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if inQuotes, character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == "]", !inQuotes {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }
}

extension String {
    var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
