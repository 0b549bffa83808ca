import DharmaCore
import DharmaStore

/// A blueprint file and how to read it: the environment overlay and `--var` overrides, and
/// where its state lives (`--state`, else the default next to the file).
public struct BlueprintInput: Sendable, Hashable {
    public var path: String
    public var environment: String?
    public var variables: [String: String]
    public var state: String?
    /// A PostgreSQL database to keep the state in (`--database`); nil reads `DHARMA_DATABASE`.
    public var database: String?

    public init(path: String, environment: String? = nil, variables: [String: String] = [:], state: String? = nil, database: String? = nil) {
        self.path = path
        self.environment = environment
        self.variables = variables
        self.state = state
        self.database = database
    }

    /// `NAME=VALUE` assignments as overrides; one without `=` is refused, naming it.
    public static func variables(_ assignments: [String]) throws(ServiceError) -> [String: String] {
        var overrides: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw .invalidInput("--var \(assignment): write it as NAME=VALUE")
            }
            overrides[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        return overrides
    }

    func prepare() throws(ServiceError) -> PreparedBlueprint {
        do {
            return try PreparedBlueprint.prepare(path: path, environment: environment, variables: variables)
        } catch {
            throw ServiceError(error)
        }
    }

    func location(_ context: ServiceContext) -> StateLocation {
        StateLocation.resolve(explicit: state, blueprint: path, environment: context.environment, database: database)
    }
}

/// How commands that read recorded state find their stack: from a blueprint file, by
/// `NAME` or `NAME/ENVIRONMENT`, or the only stack in the state database.
public struct StackSelector: Sendable, Hashable {
    public var file: String?
    public var stack: String?
    public var environment: String?
    public var state: String?
    /// A PostgreSQL database the state is in (`--database`); nil reads `DHARMA_DATABASE`.
    public var database: String?

    public init(file: String? = nil, stack: String? = nil, environment: String? = nil, state: String? = nil, database: String? = nil) {
        self.file = file
        self.stack = stack
        self.environment = environment
        self.state = state
        self.database = database
    }

    /// Whether a stack is named; without one, listings cover every stack.
    public var namesStack: Bool { file != nil || stack != nil }

    func location(_ context: ServiceContext) -> StateLocation {
        StateLocation.resolve(explicit: state, blueprint: file, environment: context.environment, database: database)
    }

    /// The selected stack, read from the blueprint, the name, or the store's only stack.
    func resolve(in store: any Store) async throws(ServiceError) -> StackID {
        if let file {
            guard let blueprint = BlueprintLoader().load(path: file).blueprint else {
                throw .invalidInput("\(file) is not a valid blueprint; run `dharma validate \(file)`")
            }
            return StackID(name: blueprint.metadata.name, environment: environment ?? blueprint.metadata.environment)
        }
        if let stack {
            let parts = stack.split(separator: "/", maxSplits: 1).map(String.init)
            guard let name = parts.first, !name.isEmpty else { throw .invalidInput("--stack `\(stack)`: write NAME or NAME/ENVIRONMENT") }
            return StackID(name: name, environment: parts.count > 1 ? parts[1] : "default")
        }
        let stacks = try await serviceCall { try await store.stacks() }
        guard stacks.count == 1, let only = stacks.first else {
            throw .invalidInput(
                stacks.isEmpty
                    ? "the state database has no stacks yet; apply a blueprint first"
                    : "the state database holds \(stacks.count) stacks (\(stacks.map { $0.stack.description }.joined(separator: ", "))); choose one with --stack or -f"
            )
        }
        return only.stack
    }
}
