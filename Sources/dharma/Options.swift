import ArgumentParser
import DharmaCore
import DharmaEngine
import DharmaStore
import Foundation

/// Options every command that reads a blueprint takes.
struct BlueprintOptions: ParsableArguments {
    @Argument(help: "The blueprint file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(name: .customLong("env"), help: "Environment overlay to select (from the blueprint's `environments`).")
    var environment: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable: --var NAME=VALUE (repeatable).", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(help: "State database (default: .dharma/dharma.db next to the blueprint, or $DHARMA_STATE).")
    var state: String?

    func variableOverrides() throws -> [String: String] {
        var overrides: [String: String] = [:]
        for assignment in variables {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--var \(assignment): write it as NAME=VALUE")
            }
            overrides[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        return overrides
    }

    /// Loads and validates the blueprint, printing diagnostics and exiting 2 when it is invalid.
    func prepare() throws -> StackEngine.Prepared {
        do {
            return try StackEngine.prepare(path: file, environment: environment, variables: try variableOverrides())
        } catch let error as EngineError {
            throw CLIFailure.from(error)
        }
    }

    func statePath() -> String {
        StatePaths.resolve(explicit: state, blueprint: file)
    }

    func engine(parallelism: Int = 10) throws -> StackEngine {
        try StatePaths.engine(at: statePath(), parallelism: parallelism)
    }
}

enum StatePaths {
    static func resolve(explicit: String?, blueprint: String?) -> String {
        if let explicit { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment["DHARMA_STATE"], !fromEnvironment.isEmpty { return fromEnvironment }
        let directory = blueprint.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        return ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(".dharma/dharma.db")
    }

    static func engine(at path: String, parallelism: Int) throws -> StackEngine {
        do {
            let store = try SQLiteStore(path: path)
            let directory = (path as NSString).deletingLastPathComponent
            chmod(directory.isEmpty ? "." : directory, 0o700)
            return StackEngine(store: store, parallelism: parallelism, stateDirectory: directory.isEmpty ? "." : directory)
        } catch {
            throw CLIFailure(message: "\(error)", code: Exit.failure)
        }
    }
}

/// Ends a command with a message on stderr and an exit code.
struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var diagnostics: [Diagnostic] = []
    var source: SourceText?

    var description: String { message }

    static func from(_ error: EngineError) -> CLIFailure {
        switch error {
        case .invalidBlueprint(let diagnostics, let source):
            return CLIFailure(message: error.description, code: Exit.invalidInput, diagnostics: diagnostics, source: source)
        case .invalidInput(let message):
            return CLIFailure(message: message, code: Exit.invalidInput)
        case .failed(let message), .stalePlan(let message):
            return CLIFailure(message: message, code: Exit.failure)
        }
    }
}

/// Runs a command body, turning failures into the documented exit codes and readable errors.
func runReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let failure as CLIFailure {
        if !failure.diagnostics.isEmpty {
            let renderer = DiagnosticRenderer(sources: failure.source.map { [$0.path: $0] } ?? [:], colour: Terminal.errorColour)
            for diagnostic in failure.diagnostics { Terminal.error(renderer.render(diagnostic)) }
        }
        Terminal.error("error: \(failure.message)")
        throw ExitCode(failure.code)
    } catch let error as EngineError {
        let failure = CLIFailure.from(error)
        Terminal.error("error: \(failure.message)")
        throw ExitCode(failure.code)
    }
}
