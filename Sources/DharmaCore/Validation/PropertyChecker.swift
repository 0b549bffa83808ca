/// Checks a property value, as written, against its schema: kinds, ranges, enums and units.
/// Values that are `${…}` expressions are checked by the reference checker instead; their type
/// is only known once they are resolved.
struct PropertyChecker {
    private(set) var diagnostics: [Diagnostic] = []

    mutating func check(_ node: YNode, against kind: PropertyKind, name: String) {
        if case .scalar(let text, _) = node.kind, Template.containsExpression(text) {
            if (try? Template.parse(text))?.soleReference != nil { return }
            // A string with interpolations is a string; only string-like kinds accept it.
            switch kind {
            case .string, .any, .size, .duration, .cidr, .oneOf, .percent, .objective: return
            default:
                wrongType(node, expected: kind, name: name)
                return
            }
        }
        let value = node.value
        switch kind {
        case .any:
            return
        case .string:
            if case .string = value { return }
            if case .scalar(let text, _) = node.kind, value != .null, !text.isEmpty {
                return  // plain scalars such as `0644` or `1.31` are fine as strings
            }
            wrongType(node, expected: kind, name: name)
        case .integer(let min, let max):
            guard case .int(let integer) = value else { return wrongType(node, expected: kind, name: name) }
            checkRange(Double(integer), min: min.map(Double.init), max: max.map(Double.init), node: node, name: name, unit: "")
        case .number(let min, let max):
            guard let number = value.doubleValue else { return wrongType(node, expected: kind, name: name) }
            checkRange(number, min: min, max: max, node: node, name: name, unit: "")
        case .boolean:
            if case .bool = value { return }
            wrongType(node, expected: kind, name: name)
        case .oneOf(let options):
            let text = node.scalar ?? ""
            if options.contains(text) { return }
            diagnostics.append(
                Diagnostic(
                    code: .notInEnum, message: "`\(name)` is `\(text)`, which is not one of \(options.map { "`\($0)`" }.joined(separator: ", "))",
                    at: node.location, hint: Suggestion.hint(for: text, in: options)))
        case .size(let min, let max):
            guard let bytes = Units.bytes(value) else {
                return invalid(node, name: name, "is not a size", hint: "write sizes as 512Mi, 4Gi or 1T (or a number of bytes)")
            }
            checkRange(
                Double(bytes), min: min.map(Double.init), max: max.map(Double.init), node: node, name: name, unit: "bytes",
                display: Self.bytes)
        case .duration(let min, let max):
            guard let seconds = Units.seconds(value) else {
                return invalid(node, name: name, "is not a duration", hint: "write durations as 500ms, 30s, 5m, 1h30m or 7d")
            }
            checkRange(seconds, min: min, max: max, node: node, name: name, unit: "seconds", display: Self.seconds)
        case .percent:
            if Units.percent(value) == nil { invalid(node, name: name, "is not a percentage", hint: "write it as 70%") }
        case .objective:
            guard let percent = Units.percent(value), percent > 0, percent < 100 else {
                return invalid(node, name: name, "is not a percentage above 0% and below 100%", hint: "write it as 99.9%; 100% leaves no error budget")
            }
        case .port:
            guard case .int(let port) = value else { return wrongType(node, expected: kind, name: name) }
            checkRange(Double(port), min: 1, max: 65_535, node: node, name: name, unit: "")
        case .cidr:
            if let text = value.stringValue, Units.isCIDR(text) { return }
            invalid(node, name: name, "is not an IPv4 CIDR block", hint: "for example 10.0.0.0/16")
        case .list(let element):
            guard let items = node.sequence else { return wrongType(node, expected: kind, name: name) }
            for (index, item) in items.enumerated() { check(item, against: element, name: "\(name)[\(index)]") }
        case .map(let element):
            guard let pairs = node.mapping else { return wrongType(node, expected: kind, name: name) }
            for pair in pairs { check(pair.value, against: element, name: "\(name).\(pair.key)") }
        case .object(let fields):
            guard let pairs = node.mapping else { return wrongType(node, expected: kind, name: name) }
            for pair in pairs {
                guard let field = fields.first(where: { $0.name == pair.key }) else {
                    diagnostics.append(
                        Diagnostic(
                            code: .unknownProperty, message: "`\(pair.key)` is not a field of `\(name)`", at: pair.keyLocation,
                            hint: Suggestion.hint(for: pair.key, in: fields.map(\.name))
                                ?? "fields: \(fields.map(\.name).joined(separator: ", "))"))
                    continue
                }
                check(pair.value, against: field.kind, name: "\(name).\(pair.key)")
            }
            for field in fields where field.required && pairs[field.name] == nil {
                diagnostics.append(Diagnostic(code: .missingField, message: "`\(name)` is missing the required field `\(field.name)`", at: node.location))
            }
        }
    }

    private mutating func checkRange(
        _ number: Double, min: Double?, max: Double?, node: YNode, name: String, unit: String,
        display: (Double) -> String = { $0.rounded() == $0 ? String(Int($0)) : String($0) }
    ) {
        if let min, number < min {
            diagnostics.append(Diagnostic(code: .outOfRange, message: "`\(name)` is \(display(number)), below the minimum \(display(min))", at: node.location))
        } else if let max, number > max {
            diagnostics.append(Diagnostic(code: .outOfRange, message: "`\(name)` is \(display(number)), above the maximum \(display(max))", at: node.location))
        }
    }

    private mutating func wrongType(_ node: YNode, expected kind: PropertyKind, name: String) {
        var hint: String?
        if case .scalar(let text, false) = node.kind, Int(text) != nil {
            switch kind {
            case .integer, .port, .number: hint = "remove the quotes: `\(text)`"
            default: break
            }
        }
        diagnostics.append(
            Diagnostic(
                code: .wrongType, message: "`\(name)` must be \(article(kind.summary)), not \(article(node.kindName))",
                at: node.location, hint: hint))
    }

    private mutating func invalid(_ node: YNode, name: String, _ problem: String, hint: String) {
        diagnostics.append(Diagnostic(code: .wrongType, message: "`\(name)` \(node.value.rendered) \(problem)", at: node.location, hint: hint))
    }

    static func bytes(_ value: Double) -> String {
        for (suffix, size) in [("Ti", 1099511627776.0), ("Gi", 1073741824.0), ("Mi", 1048576.0), ("Ki", 1024.0)] where value >= size {
            let scaled = value / size
            return (scaled.rounded() == scaled ? String(Int(scaled)) : String((scaled * 10).rounded() / 10)) + suffix
        }
        return "\(Int(value)) bytes"
    }

    static func seconds(_ value: Double) -> String {
        value.rounded() == value ? "\(Int(value))s" : "\(value)s"
    }
}
