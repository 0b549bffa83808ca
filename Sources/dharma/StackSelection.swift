import ArgumentParser
import DharmaCore
import DharmaEngine
import DharmaStore
import Foundation

/// How state commands find their stack: from a blueprint (`-f`), by name (`--stack`), or the
/// only stack in the state database.
struct StackSelection: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("file")], help: "Blueprint whose stack to use.")
    var file: String?

    @Option(help: "Stack as NAME or NAME/ENVIRONMENT.")
    var stack: String?

    @Option(name: .customLong("env"), help: "Environment, with -f.")
    var environment: String?

    @Option(help: "State database (default: .dharma/dharma.db next to the blueprint or here, or $DHARMA_STATE).")
    var state: String?

    /// Reading commands never create a state database as a side effect.
    func engine(audited: Bool = false) throws -> StackEngine {
        let path = StatePaths.resolve(explicit: state, blueprint: file)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIFailure(message: "no state database at \(path); apply a blueprint first, or point at one with --state or -f", code: Exit.invalidInput)
        }
        return try StatePaths.engine(at: path, parallelism: 1, audited: audited)
    }

    /// The engine on the selected state database, and the selected stack.
    func open(audited: Bool = false) async throws -> (StackEngine, StackID) {
        let engine = try engine(audited: audited)
        return (engine, try await resolve(engine))
    }

    func resolve(_ engine: StackEngine) async throws -> StackID {
        if let file {
            let loaded = BlueprintLoader().load(path: file)
            guard let blueprint = loaded.blueprint else {
                throw CLIFailure(message: "\(file) is not a valid blueprint; run `dharma validate \(file)`", code: Exit.invalidInput)
            }
            return StackID(name: blueprint.metadata.name, environment: environment ?? blueprint.metadata.environment)
        }
        if let stack {
            let parts = stack.split(separator: "/", maxSplits: 1).map(String.init)
            return StackID(name: parts[0], environment: parts.count > 1 ? parts[1] : "default")
        }
        let stacks = try await engine.store.stacks()
        guard stacks.count == 1, let only = stacks.first else {
            throw CLIFailure(message: stacks.isEmpty
                ? "the state database has no stacks yet; apply a blueprint first"
                : "the state database holds \(stacks.count) stacks (\(stacks.map { $0.stack.description }.joined(separator: ", "))); choose one with --stack or -f",
                code: Exit.invalidInput)
        }
        return only.stack
    }
}
