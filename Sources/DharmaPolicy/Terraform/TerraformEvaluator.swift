import Foundation

/// Evaluates HCL expressions of one Terraform module as far as a static scan can: variable
/// defaults, locals, `each`/`count`, functions it knows. References to other resources stay
/// references; anything else it cannot know is `unknown`.
struct TerraformEvaluator {
    var variables: [String: PolicyValue]
    var localExpressions: [String: HCLExpression]
    var scope: [String: PolicyValue] = [:]
    /// Locals being evaluated, to stop reference cycles.
    private var evaluating: Set<String> = []
    private var depth = 0

    init(variables: [String: PolicyValue], locals: [String: HCLExpression]) {
        self.variables = variables
        self.localExpressions = locals
    }

    func with(_ bindings: [String: PolicyValue]) -> TerraformEvaluator {
        var copy = self
        copy.scope.merge(bindings) { _, new in new }
        return copy
    }

    func evaluate(_ expression: HCLExpression) -> PolicyValue {
        guard depth < 64 else { return .unknown }
        var inner = self
        inner.depth += 1
        return inner.evaluateInner(expression)
    }

    private func evaluateInner(_ expression: HCLExpression) -> PolicyValue {
        switch expression {
        case .number(let number): return .number(number)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .template(let parts):
            if parts.count == 1, case .interpolation(let inner) = parts[0] { return evaluate(inner) }
            var text = ""
            for part in parts {
                switch part {
                case .text(let literal): text += literal
                case .interpolation(let inner):
                    guard let piece = evaluate(inner).string else { return .unknown }
                    text += piece
                case .directive: return .unknown
                }
            }
            return .string(text)
        case .variable(let name):
            if let bound = scope[name] { return bound }
            // Checkov's parser reads Python-style `True`/`False`; so do we.
            switch name.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .unknown
            }
        case .traversal(let root, let traversers):
            return traverse(root, traversers)
        case .tuple(let items):
            return .list(items.map(evaluate))
        case .object(let entries):
            var map: [String: PolicyValue] = [:]
            for (keyExpression, valueExpression) in entries {
                let key: String?
                if case .variable(let name) = keyExpression, scope[name] == nil { key = name } else { key = evaluate(keyExpression).string }
                guard let key else { return .unknown }
                map[key] = evaluate(valueExpression)
            }
            return .map(map)
        case .call(let name, let arguments):
            return TerraformFunctions.call(name, arguments.map(evaluate))
        case .unary(let op, let operand):
            let value = evaluate(operand)
            if op == "!", let flag = value.bool { return .bool(!flag) }
            if op == "-", let number = value.number { return .number(-number) }
            return .unknown
        case .binary(let op, let lhs, let rhs):
            return binary(op, evaluate(lhs), evaluate(rhs))
        case .conditional(let condition, let whenTrue, let whenFalse):
            guard let flag = evaluate(condition).bool else { return .unknown }
            return evaluate(flag ? whenTrue : whenFalse)
        case .forTuple(let key, let value, let collection, let result, let condition):
            guard let pairs = Self.pairs(evaluate(collection)) else { return .unknown }
            var items: [PolicyValue] = []
            for (k, v) in pairs {
                var bindings = [value: v]
                if let key { bindings[key] = k }
                let inner = with(bindings)
                if let condition, inner.evaluate(condition).bool != true { continue }
                items.append(inner.evaluate(result))
            }
            return .list(items)
        case .forObject(let key, let value, let collection, let resultKey, let result, let condition, let grouped):
            guard let pairs = Self.pairs(evaluate(collection)) else { return .unknown }
            var map: [String: PolicyValue] = [:]
            for (k, v) in pairs {
                var bindings = [value: v]
                if let key { bindings[key] = k }
                let inner = with(bindings)
                if let condition, inner.evaluate(condition).bool != true { continue }
                guard let name = inner.evaluate(resultKey).string else { return .unknown }
                let item = inner.evaluate(result)
                if grouped {
                    map[name] = .list((map[name]?.list ?? []) + [item])
                } else {
                    map[name] = item
                }
            }
            return .map(map)
        }
    }

    /// (key, value) pairs of a list (index keys) or a map, for `for` and `for_each`.
    static func pairs(_ value: PolicyValue) -> [(PolicyValue, PolicyValue)]? {
        switch value {
        case .list(let items): return items.enumerated().map { (.number(Double($0.offset)), $0.element) }
        case .map(let entries): return entries.keys.sorted().map { (.string($0), entries[$0] ?? .null) }
        default: return nil
        }
    }

    private func traverse(_ root: HCLExpression, _ traversers: [HCLExpression.Traverser]) -> PolicyValue {
        guard case .variable(let name) = root else { return apply(traversers[...], to: evaluate(root)) }
        if let bound = scope[name] { return apply(traversers[...], to: bound) }
        var rest = traversers[...]
        func nextAttribute() -> String? {
            guard case .attribute(let attribute)? = rest.first else { return nil }
            rest = rest.dropFirst()
            return attribute
        }
        switch name {
        case "var":
            guard let variable = nextAttribute() else { return .unknown }
            return apply(rest, to: variables[variable] ?? .unknown)
        case "local":
            guard let local = nextAttribute() else { return .unknown }
            return apply(rest, to: localValue(local))
        case "path": return .string(".")
        case "terraform": return .string("default")
        case "module", "self": return .unknown
        case "data":
            guard let type = nextAttribute(), let label = nextAttribute() else { return .unknown }
            return .reference(address: "data.\(type).\(label)", attribute: Self.describe(rest))
        default:
            // A resource: TYPE.NAME[.attribute…]; an index after NAME picks an instance.
            guard let label = nextAttribute() else { return .unknown }
            var address = "\(name).\(label)"
            if case .index(let index)? = rest.first {
                rest = rest.dropFirst()
                let key = evaluate(index)
                if case .number(let number) = key { address += "[\(Int(number))]" } else if let text = key.string { address += "[\"\(text)\"]" }
            }
            return .reference(address: address, attribute: Self.describe(rest))
        }
    }

    private func localValue(_ name: String) -> PolicyValue {
        guard let expression = localExpressions[name], !evaluating.contains(name) else { return .unknown }
        var inner = self
        inner.evaluating.insert(name)
        return inner.evaluate(expression)
    }

    private func apply(_ traversers: ArraySlice<HCLExpression.Traverser>, to value: PolicyValue) -> PolicyValue {
        var current = value
        var rest = traversers
        while let traverser = rest.first {
            rest = rest.dropFirst()
            switch (traverser, current) {
            case (.attribute(let name), .map(let entries)):
                current = entries[name] ?? .null
            case (.index(let index), .list(let items)):
                guard let number = evaluate(index).number, Int(number) >= 0, Int(number) < items.count else { return .unknown }
                current = items[Int(number)]
            case (.index(let index), .map(let entries)):
                guard let key = evaluate(index).string else { return .unknown }
                current = entries[key] ?? .null
            case (.splat, .list(let items)):
                return .list(items.map { apply(rest, to: $0) })
            case (.splat, let single) where !single.isUnknown:
                return .list([apply(rest, to: single)])
            case (_, .reference(let address, let attribute)):
                return .reference(address: address, attribute: attribute + (attribute.isEmpty ? "" : ".") + Self.describe([traverser] + rest))
            default:
                return .unknown
            }
        }
        return current
    }

    static func describe(_ traversers: some Collection<HCLExpression.Traverser>) -> String {
        traversers.compactMap { traverser -> String? in
            if case .attribute(let name) = traverser { return name }
            if case .splat = traverser { return "*" }
            return nil
        }.joined(separator: ".")
    }

    private func binary(_ op: String, _ lhs: PolicyValue, _ rhs: PolicyValue) -> PolicyValue {
        switch op {
        case "&&":
            if lhs.bool == false || rhs.bool == false { return .bool(false) }
            guard let a = lhs.bool, let b = rhs.bool else { return .unknown }
            return .bool(a && b)
        case "||":
            if lhs.bool == true || rhs.bool == true { return .bool(true) }
            guard let a = lhs.bool, let b = rhs.bool else { return .unknown }
            return .bool(a || b)
        case "==", "!=":
            guard !lhs.isUnknown, !rhs.isUnknown, !Self.isReference(lhs), !Self.isReference(rhs) else { return .unknown }
            let equal = lhs == rhs || (lhs.string != nil && lhs.string == rhs.string)
            return .bool(op == "==" ? equal : !equal)
        default:
            guard let a = lhs.number, let b = rhs.number else { return .unknown }
            switch op {
            case "+": return .number(a + b)
            case "-": return .number(a - b)
            case "*": return .number(a * b)
            case "/": return b == 0 ? .unknown : .number(a / b)
            case "%": return b == 0 ? .unknown : .number(a.truncatingRemainder(dividingBy: b))
            case "<": return .bool(a < b)
            case ">": return .bool(a > b)
            case "<=": return .bool(a <= b)
            case ">=": return .bool(a >= b)
            default: return .unknown
            }
        }
    }

    static func isReference(_ value: PolicyValue) -> Bool {
        if case .reference = value { return true }
        return false
    }
}
