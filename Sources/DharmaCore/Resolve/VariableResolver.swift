/// The values of a blueprint's variables: defaults, then the environment overlay, then
/// `--var NAME=VALUE` from the command line.
public enum VariableResolver {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func resolve(_ blueprint: Blueprint, environment: String?, overrides: [String: String]) throws(Failure) -> [String: Value] {
        var values: [String: Value] = [:]
        for declaration in blueprint.variables {
            if let value = declaration.defaultValue, value != .null { values[declaration.name] = value }
        }
        if let environment {
            guard let overlay = blueprint.environments[environment] else {
                let known = blueprint.environments.keys.sorted()
                throw Failure(
                    message: "environment `\(environment)` is not defined in \(blueprint.path)"
                        + (known.isEmpty ? "; it defines no environments" : "; it defines: \(known.joined(separator: ", "))"))
            }
            for (name, value) in overlay.variables { values[name] = value.value }
        }
        for (name, text) in overrides {
            guard let declaration = blueprint.variables.first(where: { $0.name == name }) else {
                throw Failure(
                    message: "--var \(name): the blueprint declares no variable `\(name)`"
                        + (Suggestion.hint(for: name, in: blueprint.variables.map(\.name)).map { "; \($0)" } ?? ""))
            }
            let value = declaration.kind == .string ? Value.string(text) : ScalarResolver.resolve(text)
            guard VariableKinds.matches(value, declaration.kind) else {
                throw Failure(message: "--var \(name)=\(text): `\(name)` is declared \(declaration.kind.rawValue)")
            }
            values[name] = value
        }
        for declaration in blueprint.variables where values[declaration.name] == nil {
            throw Failure(message: "variable `\(declaration.name)` has no value; give it a default or pass --var \(declaration.name)=…")
        }
        return values
    }
}
