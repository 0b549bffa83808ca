import DharmaCore

/// A policy check that failed on a run's plan, kept with the run so its page shows what failed,
/// where, and how to fix it, after the plan that produced it is gone.
public struct RunPolicyFinding: Sendable, Codable, Hashable {
    public var rule: String
    public var title: String
    public var severity: FindingSeverity
    public var resource: String
    public var remediation: String
    /// Who waived it and until when, when a current waiver covers it; the run is not held by it.
    public var waiver: String?

    public init(rule: String, title: String, severity: FindingSeverity, resource: String, remediation: String, waiver: String?) {
        self.rule = rule
        self.title = title
        self.severity = severity
        self.resource = resource
        self.remediation = remediation
        self.waiver = waiver
    }
}
