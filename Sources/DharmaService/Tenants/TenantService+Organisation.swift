import DharmaAutopilot
import DharmaCore
import DharmaStore
import Foundation

/// Reads across an organisation's stacks for its dashboards: one query of the organisation's
/// state instead of one per stack.
extension TenantService {
    /// Every stack's incidents in the organisation, newest first, at most `limit`, from one
    /// query of its state: what the operations dashboard reads instead of a query per stack.
    public func incidents(in organisation: String, limit: Int = 5_000) async throws(ServiceError) -> [Incident] {
        _ = try await access.require(.read, in: organisation, to: "list incidents")
        let location = data.state(of: organisation)
        guard FileManager.default.fileExists(atPath: location.databasePath) else { return [] }
        let store = try location.store()
        return try await serviceCall { try await IncidentBook(store: store).incidents(stack: nil, openOnly: false, limit: limit) }
    }

    /// How each remediation the autopilot tried on the organisation's stacks turned out.
    public func remediationOutcomes(in organisation: String) async throws(ServiceError) -> [RemediationOutcome] {
        _ = try await access.require(.read, in: organisation, to: "read incidents")
        let location = data.state(of: organisation)
        guard FileManager.default.fileExists(atPath: location.databasePath) else { return [] }
        let store = try location.store()
        return try await serviceCall { try await store.outcomes(stack: nil) }
    }

    /// The organisation's stacks that have resources recorded, from one query of its state:
    /// what a dashboard scores for health, without preparing the blueprint of every stack that
    /// was never applied (or was destroyed) only to find nothing to score.
    public func stacksWithResources(in organisation: String) async throws(ServiceError) -> Set<StackID> {
        _ = try await access.require(.read, in: organisation, to: "read state")
        let location = data.state(of: organisation)
        guard FileManager.default.fileExists(atPath: location.databasePath) else { return [] }
        let store = try location.store()
        return Set(try await serviceCall { try await store.stacks() }.filter { $0.resourceCount > 0 }.map(\.stack))
    }
}
