import Foundation

/// A blueprint that passed validation, with its environment chosen and its variables resolved:
/// what planning, policy checks, pricing and export all start from.
public struct PreparedBlueprint: Sendable {
    public var blueprint: Blueprint
    public var variables: [String: Value]
    /// Of the source text and the variables: a saved plan made from other inputs is stale.
    public var hash: String
    public var source: SourceText?

    public var stack: StackID { blueprint.stack }

    /// The directory relative paths in the blueprint are resolved against.
    public var baseDirectory: String {
        let directory = (blueprint.path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// Why a blueprint could not be prepared.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The file is not a valid blueprint; the diagnostics say where and why.
        case invalid([Diagnostic], SourceText?)
        /// A variable given on the command line (or by the environment overlay) is wrong.
        case variables(String)

        public var description: String {
            switch self {
            case .invalid(let diagnostics, _): "the blueprint has \(diagnostics.filter { $0.severity == .error }.count) error(s)"
            case .variables(let message): message
            }
        }
    }

    /// Loads and validates the blueprint at `path`; `environment` selects an overlay, and
    /// `variables` are `--var NAME=VALUE` overrides, parsed by each variable's declared type.
    public static func prepare(path: String, environment: String?, variables overrides: [String: String]) throws(Failure) -> PreparedBlueprint {
        try prepare(path: path, environment: environment) { blueprint throws(Failure) in
            do throws(VariableResolver.Failure) {
                return try VariableResolver.resolve(blueprint, environment: environment, overrides: overrides)
            } catch {
                throw .variables(error.message)
            }
        }
    }

    /// Loads the blueprint a plan was made from, with the variable values the plan recorded:
    /// the same hash as then means the same inputs.
    public static func prepare(path: String, environment: String?, resolvedVariables: [String: Value]) throws(Failure) -> PreparedBlueprint {
        try prepare(path: path, environment: environment) { _ throws(Failure) in resolvedVariables }
    }

    private static func prepare(
        path: String, environment: String?,
        variables resolve: (Blueprint) throws(Failure) -> [String: Value]
    ) throws(Failure) -> PreparedBlueprint {
        let loaded = BlueprintLoader().load(path: path)
        guard var blueprint = loaded.blueprint else { throw .invalid(loaded.diagnostics, loaded.source) }
        if let environment { blueprint.metadata.environment = environment }
        let variables = try resolve(blueprint)
        blueprint = try RepetitionExpander.expand(blueprint, variables: variables)
        // The copies are checked again: `${self.index}` may have made a value out of range.
        let diagnostics = BlueprintValidator.validate(blueprint)
        if diagnostics.hasErrors { throw .invalid(diagnostics, loaded.source) }
        blueprint.path = URL(fileURLWithPath: path).standardizedFileURL.path
        let hash = Digest.fnv1a64Hex(Array((loaded.source?.text ?? "").utf8) + Array("\(variables.sorted { $0.key < $1.key })".utf8))
        return PreparedBlueprint(blueprint: blueprint, variables: variables, hash: hash, source: loaded.source)
    }
}
