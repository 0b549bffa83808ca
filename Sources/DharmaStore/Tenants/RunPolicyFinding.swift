import DharmaCore

/// A policy check that failed on a run's plan, kept with the run so its page shows what failed,
/// where, and how to fix it, after the plan that produced it is gone.
public struct RunPolicyFinding: Sendable, Codable, Hashable {
    public var rule: String
    public var title: String
    public var severity: FindingSeverity
    public var resource: String
    public var remediation: String
    /// The current waiver that covers it, when one does; the run is not held by it.
    public var waiver: Waiver?

    public struct Waiver: Sendable, Codable, Hashable {
        public var approver: String
        /// `YYYY-MM-DD`, the last day it applies.
        public var expires: String
        public var justification: String

        public init(approver: String, expires: String, justification: String) {
            self.approver = approver
            self.expires = expires
            self.justification = justification
        }
    }

    public init(rule: String, title: String, severity: FindingSeverity, resource: String, remediation: String, waiver: Waiver?) {
        self.rule = rule
        self.title = title
        self.severity = severity
        self.resource = resource
        self.remediation = remediation
        self.waiver = waiver
    }
}
