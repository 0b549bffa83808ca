import Foundation

/// The Terraform built-in functions a scan evaluates; any other function's result is unknown,
/// which keeps the scan honest rather than guessing.
enum TerraformFunctions {
    static func call(_ name: String, _ arguments: [PolicyValue]) -> PolicyValue {
        if name == "try" { return arguments.first { !$0.isUnknown } ?? .unknown }
        if name == "coalesce" { return arguments.first { $0 != .null && $0 != .string("") && !$0.isUnknown } ?? .unknown }
        guard !arguments.contains(where: { $0.isUnknown || TerraformEvaluator.isReference($0) }) else { return .unknown }
        switch (name, arguments.count) {
        case ("jsonencode", 1): return arguments[0].jsonText.map(PolicyValue.string) ?? .unknown
        case ("jsondecode", 1): return arguments[0].string.flatMap(PolicyValue.json) ?? .unknown
        case ("tostring", 1): return arguments[0].string.map(PolicyValue.string) ?? .unknown
        case ("tonumber", 1): return arguments[0].number.map(PolicyValue.number) ?? .unknown
        case ("tobool", 1): return arguments[0].bool.map(PolicyValue.bool) ?? .unknown
        case ("tolist", 1), ("toset", 1): return arguments[0].list.map { .list(name == "toset" ? unique($0) : $0) } ?? .unknown
        case ("tomap", 1): return arguments[0]
        case ("lower", 1): return arguments[0].string.map { .string($0.lowercased()) } ?? .unknown
        case ("upper", 1): return arguments[0].string.map { .string($0.uppercased()) } ?? .unknown
        case ("length", 1):
            switch arguments[0] {
            case .list(let items): return .number(Double(items.count))
            case .map(let entries): return .number(Double(entries.count))
            case .string(let text): return .number(Double(text.count))
            default: return .unknown
            }
        case ("concat", _):
            var items: [PolicyValue] = []
            for argument in arguments { guard let list = argument.list else { return .unknown }; items += list }
            return .list(items)
        case ("merge", _):
            var map: [String: PolicyValue] = [:]
            for argument in arguments {
                guard case .map(let entries) = argument else { return .unknown }
                map.merge(entries) { _, new in new }
            }
            return .map(map)
        case ("lookup", 2), ("lookup", 3):
            guard case .map(let entries) = arguments[0], let key = arguments[1].string else { return .unknown }
            return entries[key] ?? (arguments.count == 3 ? arguments[2] : .unknown)
        case ("element", 2):
            guard let items = arguments[0].list, !items.isEmpty, let index = arguments[1].number else { return .unknown }
            return items[Int(index) % items.count]
        case ("join", 2):
            guard let separator = arguments[0].string, let items = arguments[1].list else { return .unknown }
            let texts = items.compactMap(\.string)
            return texts.count == items.count ? .string(texts.joined(separator: separator)) : .unknown
        case ("split", 2):
            guard let separator = arguments[0].string, let text = arguments[1].string, !separator.isEmpty else { return .unknown }
            return .list(text.components(separatedBy: separator).map(PolicyValue.string))
        case ("replace", 3):
            guard let text = arguments[0].string, let search = arguments[1].string, let replacement = arguments[2].string, !search.isEmpty else {
                return .unknown
            }
            return .string(text.replacingOccurrences(of: search, with: replacement))
        case ("contains", 2):
            guard let items = arguments[0].list else { return .unknown }
            return .bool(items.contains(arguments[1]))
        case ("keys", 1):
            guard case .map(let entries) = arguments[0] else { return .unknown }
            return .list(entries.keys.sorted().map(PolicyValue.string))
        case ("values", 1):
            guard case .map(let entries) = arguments[0] else { return .unknown }
            return .list(entries.keys.sorted().compactMap { entries[$0] })
        case ("flatten", 1):
            guard let items = arguments[0].list else { return .unknown }
            return .list(items.flatMap { $0.list ?? [$0] })
        case ("distinct", 1):
            return arguments[0].list.map { .list(unique($0)) } ?? .unknown
        case ("format", _):
            guard let format = arguments.first?.string else { return .unknown }
            var rest = arguments.dropFirst()
            var out = ""
            var index = format.startIndex
            while index < format.endIndex {
                let character = format[index]
                let next = format.index(after: index)
                if character == "%", next < format.endIndex {
                    if format[next] == "%" {
                        out.append("%")
                    } else {
                        guard let argument = rest.first?.string else { return .unknown }
                        rest = rest.dropFirst()
                        out += argument
                    }
                    index = format.index(after: next)
                    continue
                }
                out.append(character)
                index = next
            }
            return .string(out)
        case ("min", _), ("max", _):
            let numbers = arguments.compactMap(\.number)
            guard numbers.count == arguments.count, let first = numbers.first else { return .unknown }
            return .number(numbers.reduce(first) { name == "min" ? Swift.min($0, $1) : Swift.max($0, $1) })
        default:
            return .unknown
        }
    }

    static func unique(_ items: [PolicyValue]) -> [PolicyValue] {
        var seen: [PolicyValue] = []
        for item in items where !seen.contains(item) { seen.append(item) }
        return seen
    }
}
