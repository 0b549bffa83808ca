import DharmaAPI
import DharmaCore
import DharmaService
import Foundation

/// The organisation's policy enforcement levels, and overrides of a run's soft-mandatory failures.
extension APIHandler {
    func enforcement() throws(ServiceError) -> PolicyEnforcementService {
        PolicyEnforcementService(tenants: try tenants())
    }

    func getPolicyEnforcement(_ input: Operations.GetPolicyEnforcement.Input) async throws -> Operations.GetPolicyEnforcement.Output {
        await respond(Operations.GetPolicyEnforcement.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(.init(try await enforcement().enforcement(of: input.path.org)))))
        }
    }

    func setPolicyEnforcement(_ input: Operations.SetPolicyEnforcement.Input) async throws -> Operations.SetPolicyEnforcement.Output {
        await respond(Operations.SetPolicyEnforcement.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            guard (body.rules?.additionalProperties.count ?? 0) <= 500 else { throw .invalidInput("rules: at most 500", pointer: "/rules") }
            guard (body.frameworks?.additionalProperties.count ?? 0) <= 20 else { throw .invalidInput("frameworks: at most 20", pointer: "/frameworks") }
            let set = try await enforcement().setEnforcement(PolicyEnforcement(body), of: input.path.org)
            return .ok(.init(body: .json(.init(set))))
        }
    }

    func overrideRunPolicy(_ input: Operations.OverrideRunPolicy.Input) async throws -> Operations.OverrideRunPolicy.Output {
        await respond(Operations.OverrideRunPolicy.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            guard body.reason.count <= 500 else { throw .invalidInput("reason: at most 500 characters", pointer: "/reason") }
            return .ok(.init(body: .json(.init(try await runs().overridePolicy(input.path.run, in: input.path.org, reason: body.reason)))))
        }
    }
}

extension Components.Schemas.PolicyEnforcement {
    init(_ enforcement: PolicyEnforcement) {
        self.init(
            defaultLevel: .init(enforcement.otherwise),
            rules: .init(additionalProperties: enforcement.rules.mapValues(Components.Schemas.EnforcementLevel.init)),
            frameworks: .init(additionalProperties: enforcement.frameworks.mapValues(Components.Schemas.EnforcementLevel.init)))
    }
}

extension PolicyEnforcement {
    init(_ body: Components.Schemas.PolicyEnforcement) {
        self.init(
            rules: body.rules?.additionalProperties.mapValues(EnforcementLevel.init) ?? [:],
            frameworks: body.frameworks?.additionalProperties.mapValues(EnforcementLevel.init) ?? [:], otherwise: .init(body.defaultLevel))
    }
}

extension Components.Schemas.EnforcementLevel {
    init(_ level: EnforcementLevel) {
        switch level {
        case .advisory: self = .advisory
        case .softMandatory: self = .softMandatory
        case .hardMandatory: self = .hardMandatory
        }
    }
}

extension EnforcementLevel {
    init(_ level: Components.Schemas.EnforcementLevel) {
        switch level {
        case .advisory: self = .advisory
        case .softMandatory: self = .softMandatory
        case .hardMandatory: self = .hardMandatory
        }
    }
}

extension Components.Schemas.PolicyOverride {
    init(_ override: PolicyOverride) {
        self.init(by: override.by, reason: override.reason, rules: override.rules, at: Date(epoch: override.at))
    }
}
