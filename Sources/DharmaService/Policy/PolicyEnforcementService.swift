import DharmaCore
import DharmaPolicy
import DharmaStore
import Foundation

/// An organisation's policy enforcement levels: admins set them, members read them, and every
/// run in the organisation is judged with them.
public struct PolicyEnforcementService: Sendable {
    public var tenants: TenantService

    public init(tenants: TenantService) {
        self.tenants = tenants
    }

    /// The organisation's levels; every rule hard-mandatory when it set none.
    public func enforcement(of organisation: String) async throws(ServiceError) -> PolicyEnforcement {
        _ = try await tenants.access.require(.read, in: organisation, to: "read policy enforcement")
        return try await Self.current(of: organisation, in: tenants.store)
    }

    /// Replaces the organisation's levels; each rule must be one of the built-in pack's, and
    /// each framework one Dharma maps rules to.
    public func setEnforcement(_ enforcement: PolicyEnforcement, of organisation: String) async throws(ServiceError) -> PolicyEnforcement {
        _ = try await tenants.access.require(.administer, in: organisation, to: "set policy enforcement")
        let known: Set<String>
        do { known = Set(try RuleLoader.builtIn().map(\.id)) } catch { throw .failed("the built-in rule pack does not load: \(error)") }
        if let unknown = enforcement.rules.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unprocessable("rules: `\(unknown.prefix(80))` is not a rule of the built-in pack", pointer: "/rules")
        }
        if let unknown = enforcement.frameworks.keys.sorted().first(where: { Framework(rawValue: $0) == nil }) {
            throw .unprocessable(
                "frameworks: `\(unknown.prefix(80))` is not one of \(Framework.allCases.map(\.rawValue).joined(separator: ", "))", pointer: "/frameworks")
        }
        try await serviceCall { try await tenants.store.setEnforcement(enforcement, of: organisation) }
        let summary =
            "default \(enforcement.otherwise.rawValue); "
            + (enforcement.rules.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.rawValue)" }
            + enforcement.frameworks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.rawValue)" }).joined(separator: ", ")
        try await tenants.recordOrganisation(organisation, action: "policy-enforcement-set", reason: summary)
        return enforcement
    }

    /// What runs of the organisation are judged with, read without a caller's permission.
    static func current(of organisation: String, in store: any TenantStore) async throws(ServiceError) -> PolicyEnforcement {
        try await serviceCall { try await store.enforcement(of: organisation) } ?? .strict
    }
}
