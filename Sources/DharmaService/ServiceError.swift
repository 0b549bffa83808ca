import DharmaCore
import DharmaEngine
import DharmaPolicy
import DharmaStore

/// Why a service operation did not do what was asked. Each case is one kind of problem for the
/// caller: the CLI turns the category into an exit code, the server into an HTTP status and an
/// RFC 9457 problem type.
public enum ServiceError: Error, Sendable, CustomStringConvertible {
    /// The blueprint is not valid; the diagnostics say where and why.
    case invalidBlueprint([Diagnostic], SourceText?)
    /// An argument or an input file is wrong.
    case invalidInput(String, diagnostics: [Diagnostic] = [], source: SourceText? = nil, pointer: String? = nil)
    /// Well-formed input whose content cannot be used: a key that does not parse, a URL with
    /// no host. HTTP says 422 where `invalidInput` says 400.
    case unprocessable(String, pointer: String? = nil)
    /// What was asked for does not exist (a resource, an incident, a state database).
    case notFound(String)
    /// A policy check at or above the gate's threshold fails, or the plan is over budget.
    case policyViolation(String)
    /// The plan lacks the approvals its blueprint requires.
    case notApproved(String)
    /// The principal may not do this.
    case forbidden(String)
    /// A saved plan no longer matches the world.
    case stalePlan(String)
    /// Someone else holds the stack, or a supervisor already runs.
    case conflict(String)
    /// Something failed while doing the work.
    case failed(String)

    public enum Category: Sendable {
        case invalidInput, notFound, policyViolation, forbidden, conflict, failure
    }

    public var category: Category {
        switch self {
        case .invalidBlueprint, .invalidInput, .unprocessable: .invalidInput
        case .notFound: .notFound
        case .policyViolation, .notApproved: .policyViolation
        case .forbidden: .forbidden
        case .conflict: .conflict
        case .stalePlan, .failed: .failure
        }
    }

    public var description: String {
        switch self {
        case .invalidBlueprint(let diagnostics, _): "the blueprint has \(diagnostics.filter { $0.severity == .error }.count) error(s)"
        case .invalidInput(let message, _, _, _), .unprocessable(let message, _), .notFound(let message), .policyViolation(let message),
            .notApproved(let message),
            .forbidden(let message), .stalePlan(let message), .conflict(let message), .failed(let message):
            message
        }
    }

    /// The field at fault, as a JSON pointer into the request, where one is.
    public var pointer: String? {
        switch self {
        case .invalidInput(_, _, _, let pointer), .unprocessable(_, let pointer): pointer
        default: nil
        }
    }

    /// Diagnostics to show before the message, with the source they point into.
    public var diagnostics: (diagnostics: [Diagnostic], source: SourceText?) {
        switch self {
        case .invalidBlueprint(let diagnostics, let source), .invalidInput(_, let diagnostics, let source, _): (diagnostics, source)
        default: ([], nil)
        }
    }

    init(_ error: EngineError) {
        switch error {
        case .invalidBlueprint(let diagnostics, let source): self = .invalidBlueprint(diagnostics, source)
        case .invalidInput(let message): self = .invalidInput(message)
        case .failed(let message): self = .failed(message)
        case .stalePlan(let message): self = .stalePlan(message)
        case .notApproved(let message): self = .notApproved(message)
        }
    }

    init(_ error: PreparedBlueprint.Failure) {
        switch error {
        case .invalid(let diagnostics, let source): self = .invalidBlueprint(diagnostics, source)
        case .variables(let message): self = .invalidInput(message)
        }
    }

    init(_ error: PolicySettings.Failure) {
        switch error {
        case .builtInPack: self = .failed(error.description)
        case .invalidWaiverFile(let diagnostics, let source): self = .invalidInput(error.description, diagnostics: diagnostics, source: source)
        case .noDirectory, .invalidRules, .clash, .invalidWaiver: self = .invalidInput(error.description)
        }
    }

    /// Anything else a store or a library threw: a lock someone holds is a conflict, the rest
    /// a failure that says what, and that a damaged database was left as it was.
    static func from(_ error: any Error, doing what: String? = nil) -> ServiceError {
        switch error {
        case let error as ServiceError: return error
        case let error as EngineError: return ServiceError(error)
        case let error as LockError: return .conflict(error.description)
        default:
            let text = "\(error)"
            let prefix = what.map { "\($0): " } ?? ""
            if text.contains("malformed") || text.contains("not a usable Dharma state database") {
                return .failed(prefix + text + "\n  the state database is damaged; nothing was changed. Restore it from a backup.")
            }
            return .failed(prefix + text)
        }
    }
}

/// Runs `body`, turning whatever it throws into a `ServiceError`.
func serviceCall<T>(doing what: String? = nil, _ body: () async throws -> T) async throws(ServiceError) -> T {
    do {
        return try await body()
    } catch {
        throw ServiceError.from(error, doing: what)
    }
}

/// Synchronous `serviceCall`.
func serviceCall<T>(doing what: String? = nil, _ body: () throws -> T) throws(ServiceError) -> T {
    do {
        return try body()
    } catch {
        throw ServiceError.from(error, doing: what)
    }
}
