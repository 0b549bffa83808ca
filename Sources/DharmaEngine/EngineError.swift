import DharmaCore

/// Why an engine operation stopped, classified so the CLI can pick the exit code.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// The blueprint or an argument is wrong (exit 2).
    case invalidBlueprint([Diagnostic], SourceText?)
    case invalidInput(String)
    /// Something failed while doing the work (exit 1).
    case failed(String)
    /// A saved plan no longer matches the world (exit 1).
    case stalePlan(String)
    /// The plan lacks the approvals its blueprint requires (exit 3).
    case notApproved(String)

    public var description: String {
        switch self {
        case .invalidBlueprint(let diagnostics, _): return "the blueprint has \(diagnostics.filter { $0.severity == .error }.count) error(s)"
        case .invalidInput(let message), .failed(let message), .stalePlan(let message), .notApproved(let message): return message
        }
    }
}
