import DharmaCore

/// Where each organisation's policy enforcement levels are kept.
public protocol PolicyEnforcementStore: Sendable {
    /// The organisation's levels; nil when it never set any.
    func enforcement(of organisation: String) async throws -> PolicyEnforcement?
    func setEnforcement(_ enforcement: PolicyEnforcement, of organisation: String) async throws
}
