import ArgumentParser
import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaStore
import Foundation

/// Which variant of a stack, and where its state lives.
struct StackOptions: ParsableArguments {
    @Option(name: .customLong("env"), help: "Environment overlay to select (from the blueprint's `environments`).")
    var environment: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable: --var NAME=VALUE (repeatable).", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(help: "State database (default: .dharma/dharma.db next to the blueprint, or $DHARMA_STATE).")
    var state: String?

    @Option(help: "Post audit entries here (or $DHARMA_AUDIT_WEBHOOK), signed with $DHARMA_AUDIT_WEBHOOK_SECRET.")
    var auditWebhook: String?

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

    /// Loads and validates the blueprint; an invalid one ends the command with its diagnostics
    /// and exit code 2.
    func prepare(_ file: String) throws -> StackEngine.Prepared {
        do {
            return try StackEngine.prepare(path: file, environment: environment, variables: try variableOverrides())
        } catch let error as EngineError {
            throw CLIFailure.from(error)
        }
    }

    func statePath(_ file: String) -> String {
        StatePaths.resolve(explicit: state, blueprint: file)
    }

    func engine(_ file: String, parallelism: Int = 10, audited: Bool = false, reason: String? = nil) throws -> StackEngine {
        try StatePaths.engine(at: statePath(file), parallelism: parallelism, audited: audited, reason: reason, webhook: auditWebhook)
    }
}

/// A blueprint file and the stack options: what most commands take.
struct BlueprintOptions: ParsableArguments {
    @Argument(help: "The blueprint file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @OptionGroup var stack: StackOptions

    var environment: String? { stack.environment }

    func variableOverrides() throws -> [String: String] { try stack.variableOverrides() }
    func prepare() throws -> StackEngine.Prepared { try stack.prepare(file) }
    func statePath() -> String { stack.statePath(file) }
    func engine(parallelism: Int = 10, audited: Bool = false, reason: String? = nil) throws -> StackEngine {
        try stack.engine(file, parallelism: parallelism, audited: audited, reason: reason)
    }
}

enum StatePaths {
    static func resolve(explicit: String?, blueprint: String?) -> String {
        if let explicit { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment["DHARMA_STATE"], !fromEnvironment.isEmpty { return fromEnvironment }
        let directory = blueprint.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        return ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(".dharma/dharma.db")
    }

    /// The engine on the state database at `path`. `audited` engines record every change in
    /// the audit log kept in the same database (keys under `keys/` beside it).
    static func engine(at path: String, parallelism: Int, audited: Bool = false, reason: String? = nil,
                       webhook: String? = nil) throws -> StackEngine {
        do {
            let store = try SQLiteStore(path: path)
            let relative = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
            let directory = URL(fileURLWithPath: relative).standardizedFileURL.path
            chmod(directory, 0o700)
            var engine = StackEngine(store: store, parallelism: parallelism, stateDirectory: directory)
            if audited {
                engine.audit = try AuditLog.local(store: store, stateDirectory: directory, databasePath: path)
                engine.webhook = try AuditWebhookSettings.fromEnvironment(url: webhook)
                engine.warn = { Terminal.error("warning: \($0)") }
            }
            engine.reason = reason
            return engine
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure(message: "\(error)", code: Exit.failure)
        }
    }
}

/// The audit webhook: `--audit-webhook URL` or `DHARMA_AUDIT_WEBHOOK`; the HMAC secret only from
/// `DHARMA_AUDIT_WEBHOOK_SECRET` (never a flag, where it would show in `ps`); optionally
/// `DHARMA_AUDIT_WEBHOOK_ACTIONS=apply,destroy`.
enum AuditWebhookSettings {
    static func fromEnvironment(url flag: String?) throws -> AuditWebhook? {
        let environment = ProcessInfo.processInfo.environment
        guard let text = flag ?? environment["DHARMA_AUDIT_WEBHOOK"], !text.isEmpty else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw CLIFailure(message: "audit webhook `\(text)` is not an http(s) URL", code: Exit.invalidInput)
        }
        guard let secret = environment["DHARMA_AUDIT_WEBHOOK_SECRET"], !secret.isEmpty else {
            throw CLIFailure(message: "the audit webhook needs DHARMA_AUDIT_WEBHOOK_SECRET set to the shared HMAC secret", code: Exit.invalidInput)
        }
        let actions = Set((environment["DHARMA_AUDIT_WEBHOOK_ACTIONS"] ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
        return AuditWebhook(url: url, secret: Data(secret.utf8), actions: actions.filter { !$0.isEmpty })
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
        case .notApproved(let message):
            return CLIFailure(message: message, code: Exit.policyViolation)
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
    } catch let exit as ExitCode {
        throw exit
    } catch let usage as ValidationError {
        throw usage
    } catch {
        // Anything else (a damaged database, a file that vanished): say what, exit 1, no trace.
        let text = "\(error)"
        Terminal.error("error: \(text)" + (text.contains("malformed") ? "\n  the state database is damaged; nothing was changed. Restore it from a backup." : ""))
        throw ExitCode(Exit.failure)
    }
}
