import DharmaCore
import DharmaPolicy

/// `validate`: every problem of every file at once, and for valid blueprints the policy checks.
public struct Validation: Sendable {
    public var files: [String]
    public var diagnostics: [Diagnostic]
    /// The text of each file, for rendering diagnostics with their source line.
    public var sources: [String: SourceText]
    /// One report per file, when every file is valid.
    public var reports: [PolicyReport]
    public var verdicts: [PolicyVerdict]

    public var valid: Bool { !diagnostics.hasErrors }

    /// Exit 2 for an invalid blueprint, 3 for a policy failure at or above the gate.
    public func enforce() throws(ServiceError) {
        if !valid {
            let errors = diagnostics.filter { $0.severity == .error }.count
            throw .invalidInput("\(errors) error\(errors == 1 ? "" : "s") found")
        }
        for verdict in verdicts { if let message = verdict.message { throw .policyViolation(message) } }
    }
}

extension StackService {
    public func validate(_ files: [String], policy: PolicySettings) throws(ServiceError) -> Validation {
        try context.authorise(.read, "validate blueprints")
        var result = Validation(files: files, diagnostics: [], sources: [:], reports: [], verdicts: [])
        for file in files {
            let loaded = BlueprintLoader().load(path: file)
            result.diagnostics += loaded.diagnostics
            if let source = loaded.source { result.sources[file] = source }
        }
        guard result.valid else { return result }
        // Valid blueprints are also checked against the policy rules.
        for file in files {
            let prepared = try BlueprintInput(path: file).prepare()
            let gate = try Self.gate(policy, for: prepared)
            let report = gate.evaluate(prepared)
            result.reports.append(report)
            result.verdicts.append(gate.verdict(report))
        }
        return result
    }

    static func gate(_ settings: PolicySettings, for prepared: PreparedBlueprint) throws(ServiceError) -> PolicyGate {
        do { return try settings.gate(for: prepared) } catch { throw ServiceError(error) }
    }
}
