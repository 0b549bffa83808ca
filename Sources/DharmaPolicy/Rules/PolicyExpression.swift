import DharmaCore
import Foundation

/// The policy language: a small expression over a resource's normalised properties.
///
///     encrypted == true
///     !any(ingress, open && fromPort <= 22 && toPort >= 22)
///     backupRetention >= 7d && engineVersion in ["15", "16", "17"]
///     name matches "^[a-z][a-z0-9-]*$"
///     all(statements, !(effect == "Allow" && "*" in actions && "*" in resources))
///     exists(tags.owner)
///
/// Paths read properties (`a.b`, `list[0]`); inside `any`/`all` they read the element first.
/// Numbers may carry units (`30d`, `4Gi`, `90%`). A value the scan could not know makes the
/// result unknown rather than true or false.
public indirect enum PolicyExpression: Sendable {
    case literal(PolicyValue)
    case path([String])
    case list([PolicyExpression])
    case not(PolicyExpression)
    case and(PolicyExpression, PolicyExpression)
    case or(PolicyExpression, PolicyExpression)
    case compare(String, PolicyExpression, PolicyExpression)
    case function(String, [PolicyExpression])

    public struct SyntaxError: Error, Sendable {
        public var message: String
        public var offset: Int
    }

    public static let functions = ["any", "all", "exists", "count", "lower", "length"]

    public static func parse(_ text: String) throws(SyntaxError) -> PolicyExpression {
        var parser = ExpressionParser(scalars: Array(text.unicodeScalars))
        let expression = try parser.parseOr()
        parser.skipSpace()
        guard parser.position == parser.scalars.count else { throw parser.error("unexpected text") }
        return expression
    }

    /// Property names the expression reads at the top level, for "refers to a missing field" checks.
    public var rootPaths: [String] {
        switch self {
        case .literal: return []
        case .path(let segments): return segments.first.map { [$0] } ?? []
        case .list(let items): return items.flatMap(\.rootPaths)
        case .not(let inner): return inner.rootPaths
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b): return a.rootPaths + b.rootPaths
        case .function(let name, let arguments):
            // The condition of any/all reads the element, not the resource.
            return (name == "any" || name == "all") ? (arguments.first?.rootPaths ?? []) : arguments.flatMap(\.rootPaths)
        }
    }
}

/// true, false, or unknown.
public enum Verdict: String, Sendable {
    case pass, fail, unknown
}

struct ExpressionEvaluator {
    var scopes: [[String: PolicyValue]]

    func truth(_ expression: PolicyExpression) -> Bool? {
        switch expression {
        case .not(let inner): return truth(inner).map { !$0 }
        case .and(let a, let b):
            let left = truth(a)
            if left == false { return false }
            let right = truth(b)
            if right == false { return false }
            return left == true && right == true ? true : nil
        case .or(let a, let b):
            let left = truth(a)
            if left == true { return true }
            let right = truth(b)
            if right == true { return true }
            return left == false && right == false ? false : nil
        case .compare(let op, let a, let b):
            return compare(op, value(a), value(b))
        default:
            let result = value(expression)
            if case .unknown = result { return nil }
            return result.bool ?? (result != .null)
        }
    }

    func value(_ expression: PolicyExpression) -> PolicyValue {
        switch expression {
        case .literal(let literal): return literal
        case .path(let segments): return lookup(segments)
        case .list(let items): return .list(items.map(value))
        case .not, .and, .or, .compare:
            return truth(expression).map(PolicyValue.bool) ?? .unknown
        case .function(let name, let arguments):
            return call(name, arguments)
        }
    }

    func lookup(_ segments: [String]) -> PolicyValue {
        guard let first = segments.first else { return .null }
        for scope in scopes.reversed() {
            guard var current = scope[first] else { continue }
            for segment in segments.dropFirst() {
                switch current {
                case .map(let entries): current = entries[segment] ?? .null
                case .list(let items):
                    guard let index = Int(segment), index >= 0, index < items.count else { return .null }
                    current = items[index]
                case .unknown: return .unknown
                default: return .null
                }
            }
            return current
        }
        return .null
    }

    func call(_ name: String, _ arguments: [PolicyExpression]) -> PolicyValue {
        switch name {
        case "exists":
            let found = arguments.first.map(value) ?? .null
            if case .unknown = found { return .unknown }
            return .bool(found != .null)
        case "count", "length":
            switch arguments.first.map(value) ?? .null {
            case .list(let items): return .number(Double(items.count))
            case .map(let entries): return .number(Double(entries.count))
            case .string(let text): return .number(Double(text.count))
            case .unknown: return .unknown
            default: return .number(0)
            }
        case "lower":
            let found = arguments.first.map(value) ?? .null
            return found.string.map { .string($0.lowercased()) } ?? found
        case "any", "all":
            guard arguments.count == 2 else { return .unknown }
            let collection = value(arguments[0])
            if case .unknown = collection { return .unknown }
            let items = collection.list ?? (collection == .null ? [] : [collection])
            var sawUnknown = false
            for item in items {
                var inner = self
                inner.scopes.append(item.mapEntries ?? ["value": item])
                inner.scopes[inner.scopes.count - 1]["value"] = item
                switch inner.truth(arguments[1]) {
                case true? where name == "any": return .bool(true)
                case false? where name == "all": return .bool(false)
                case nil: sawUnknown = true
                default: break
                }
            }
            return sawUnknown ? .unknown : .bool(name == "all")
        default:
            return .unknown
        }
    }

    func compare(_ op: String, _ a: PolicyValue, _ b: PolicyValue) -> Bool? {
        if case .unknown = a { return nil }
        if case .unknown = b { return nil }
        if case .reference = a { return op == "!=" ? nil : nil }
        switch op {
        case "==": return Self.equal(a, b)
        case "!=": return Self.equal(a, b).map { !$0 }
        case "in", "not in":
            guard let items = b.list else { return b == .null ? op == "not in" : nil }
            if items.contains(where: {
                if case .unknown = $0 { return true }; return false
            }) {
                return nil
            }
            let found = items.contains { Self.equal(a, $0) == true }
            return op == "in" ? found : !found
        case "contains":
            if let items = a.list { return items.contains { Self.equal($0, b) == true } }
            if let text = a.string, let part = b.string { return text.contains(part) }
            return a == .null ? false : nil
        case "matches":
            guard let text = a.string, let pattern = b.string,
                let regex = try? NSRegularExpression(pattern: pattern)
            else { return a == .null ? false : nil }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        default:
            guard let x = Self.number(a), let y = Self.number(b) else { return a == .null || b == .null ? false : nil }
            switch op {
            case "<": return x < y
            case "<=": return x <= y
            case ">": return x > y
            case ">=": return x >= y
            default: return nil
            }
        }
    }

    static func equal(_ a: PolicyValue, _ b: PolicyValue) -> Bool? {
        if a == b { return true }
        if let x = a.bool, let y = b.bool, a.number == nil || b.number == nil { return x == y }
        if let x = number(a), let y = number(b) { return x == y }
        if let x = a.string, let y = b.string { return x == y }
        return false
    }

    /// Numbers, including unit strings such as `30d`, `4Gi`, `90%`.
    static func number(_ value: PolicyValue) -> Double? {
        if let number = value.number { return number }
        guard let text = value.string else { return nil }
        if let seconds = Units.seconds(.string(text)) { return seconds }
        if let bytes = Units.bytes(.string(text)) { return Double(bytes) }
        if let percent = Units.percent(.string(text)) { return percent }
        return nil
    }
}

extension PolicyValue {
    var mapEntries: [String: PolicyValue]? {
        if case .map(let entries) = self { return entries }
        return nil
    }
}

struct ExpressionParser {
    let scalars: [Unicode.Scalar]
    var position = 0
    var depth = 0

    init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    func error(_ message: String) -> PolicyExpression.SyntaxError { .init(message: message, offset: position) }

    mutating func skipSpace() {
        while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
    }

    mutating func match(_ text: String) -> Bool {
        skipSpace()
        let target = Array(text.unicodeScalars)
        guard position + target.count <= scalars.count, Array(scalars[position..<position + target.count]) == target else { return false }
        // Words must end at a word boundary (`in` is not the start of `index`).
        if let last = target.last, last.properties.isAlphabetic, position + target.count < scalars.count,
            Self.isWord(scalars[position + target.count])
        {
            return false
        }
        position += target.count
        return true
    }

    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
    }

    mutating func parseOr() throws(PolicyExpression.SyntaxError) -> PolicyExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw error("expression nested too deeply") }
        var left = try parseAnd()
        while match("||") { left = .or(left, try parseAnd()) }
        return left
    }

    mutating func parseAnd() throws(PolicyExpression.SyntaxError) -> PolicyExpression {
        var left = try parseNot()
        while match("&&") { left = .and(left, try parseNot()) }
        return left
    }

    mutating func parseNot() throws(PolicyExpression.SyntaxError) -> PolicyExpression {
        skipSpace()
        if position < scalars.count, scalars[position] == "!", !(position + 1 < scalars.count && scalars[position + 1] == "=") {
            position += 1
            return .not(try parseNot())
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(PolicyExpression.SyntaxError) -> PolicyExpression {
        let left = try parsePrimary()
        for op in ["==", "!=", "<=", ">=", "<", ">", "not in", "in", "contains", "matches"] where match(op) {
            return .compare(op, left, try parsePrimary())
        }
        return left
    }

    mutating func parsePrimary() throws(PolicyExpression.SyntaxError) -> PolicyExpression {
        skipSpace()
        guard position < scalars.count else { throw error("expected a value") }
        let scalar = scalars[position]
        if scalar == "(" {
            position += 1
            let inner = try parseOr()
            guard match(")") else { throw error("expected `)`") }
            return inner
        }
        if scalar == "[" {
            position += 1
            var items: [PolicyExpression] = []
            if match("]") { return .list(items) }
            repeat { items.append(try parseOr()) } while match(",")
            guard match("]") else { throw error("expected `]`") }
            return .list(items)
        }
        if scalar == "\"" || scalar == "'" {
            position += 1
            var text = ""
            while position < scalars.count, scalars[position] != scalar {
                if scalars[position] == "\\", position + 1 < scalars.count { position += 1 }
                text.unicodeScalars.append(scalars[position])
                position += 1
            }
            guard position < scalars.count else { throw error("a string is not closed") }
            position += 1
            return .literal(.string(text))
        }
        if ("0"..."9").contains(scalar) || (scalar == "-" && position + 1 < scalars.count && ("0"..."9").contains(scalars[position + 1])) {
            var text = String(scalar)
            position += 1
            while position < scalars.count, Self.isWord(scalars[position]) || scalars[position] == "." || scalars[position] == "%" {
                text.unicodeScalars.append(scalars[position])
                position += 1
            }
            if let number = Double(text) { return .literal(.number(number)) }
            guard let unit = ExpressionEvaluator.number(.string(text)) else { throw error("`\(text)` is not a number or a number with a unit") }
            return .literal(.number(unit))
        }
        guard scalar.properties.isAlphabetic || scalar == "_" else { throw error("unexpected `\(scalar)`") }
        var segments: [String] = []
        var word = ""
        while position < scalars.count, Self.isWord(scalars[position]) || scalars[position] == "-" {
            word.unicodeScalars.append(scalars[position])
            position += 1
        }
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null": return .literal(.null)
        default: break
        }
        if position < scalars.count, scalars[position] == "(" {
            guard PolicyExpression.functions.contains(word) else {
                throw error("unknown function `\(word)`; functions are " + PolicyExpression.functions.joined(separator: ", "))
            }
            position += 1
            var arguments: [PolicyExpression] = []
            if !match(")") {
                repeat { arguments.append(try parseOr()) } while match(",")
                guard match(")") else { throw error("expected `)` after the arguments of \(word)") }
            }
            return .function(word, arguments)
        }
        segments.append(word)
        while position < scalars.count {
            if scalars[position] == ".", position + 1 < scalars.count, Self.isWord(scalars[position + 1]) {
                position += 1
                var next = ""
                while position < scalars.count, Self.isWord(scalars[position]) || scalars[position] == "-" {
                    next.unicodeScalars.append(scalars[position])
                    position += 1
                }
                segments.append(next)
            } else if scalars[position] == "[" {
                position += 1
                var index = ""
                while position < scalars.count, ("0"..."9").contains(scalars[position]) {
                    index.unicodeScalars.append(scalars[position])
                    position += 1
                }
                guard !index.isEmpty, match("]") else { throw error("expected a number and `]`") }
                segments.append(index)
            } else {
                break
            }
        }
        return .path(segments)
    }
}
