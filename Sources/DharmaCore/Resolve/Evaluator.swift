/// Substitutes `${…}` references in property values.
///
/// A reference whose value is not known yet (an output of a resource that is about to change)
/// makes the whole string `.unknown`, keeping its text so the executor can evaluate it again
/// once the dependency has been applied. `${self.OUTPUT}` is left in place on purpose: the
/// provider fills it per instance (each replica gets its own `${self.port}`).
public struct Evaluator: Sendable {
    public var variables: [String: Value]
    /// Attributes of other resources, as far as they are known. Missing means unknown.
    public var resources: [String: [String: Value]]

    public init(variables: [String: Value], resources: [String: [String: Value]] = [:]) {
        self.variables = variables
        self.resources = resources
    }

    public func evaluate(_ value: Value, selfType: ResourceType? = nil, selfInputs: [String: Value] = [:]) -> Value {
        switch value {
        case .string(let text) where Template.containsExpression(text):
            return evaluate(template: text, selfType: selfType, selfInputs: selfInputs)
        case .unknown(let text):
            return evaluate(template: text, selfType: selfType, selfInputs: selfInputs)
        case .list(let items):
            return .list(items.map { evaluate($0, selfType: selfType, selfInputs: selfInputs) })
        case .map(let entries):
            return .map(entries.mapValues { evaluate($0, selfType: selfType, selfInputs: selfInputs) })
        default:
            return value
        }
    }

    private func evaluate(template text: String, selfType: ResourceType?, selfInputs: [String: Value]) -> Value {
        guard let template = try? Template.parse(text) else { return .string(text) }
        if let sole = template.soleReference {
            switch lookup(sole, selfType: selfType, selfInputs: selfInputs) {
            case .known(let value): return value
            case .deferredToProvider: return .string(text)
            case .unknown: return .unknown(text)
            }
        }
        var out = ""
        for part in template.parts {
            switch part {
            case .literal(let literal):
                out += literal.replacing("${", with: "$${")
            case .reference(let reference):
                switch lookup(reference, selfType: selfType, selfInputs: selfInputs) {
                case .known(let value): out += value.interpolated.replacing("${", with: "$${")
                case .deferredToProvider: out += "${\(reference)}"
                case .unknown: return .unknown(text)
                }
            }
        }
        // Escapes are only undone once nothing is left for the provider to fill in.
        return .string(Template.containsSelfReference(out) ? out : out.replacing("$${", with: "${"))
    }

    private enum Lookup {
        case known(Value)
        case unknown
        case deferredToProvider
    }

    private func lookup(_ reference: Reference, selfType: ResourceType?, selfInputs: [String: Value]) -> Lookup {
        let base: Value?
        switch reference.root {
        case .variable(let name):
            base = variables[name]
        case .selfResource:
            if let value = selfInputs[reference.attribute], !value.containsUnknown {
                base = value
            } else if selfType?.outputs.contains(reference.attribute) ?? false {
                return .deferredToProvider
            } else {
                base = nil
            }
        case .resource(let name):
            base = resources[name]?[reference.attribute]
        }
        guard var value = base, !value.containsUnknown else { return .unknown }
        for key in reference.path {
            guard let next = value.mapValue?[key] else { return .unknown }
            value = next
        }
        return .known(value)
    }
}

extension Template {
    static func containsSelfReference(_ text: String) -> Bool {
        guard let template = try? Template.parse(text) else { return false }
        return template.references.contains { $0.root == .selfResource }
    }
}
