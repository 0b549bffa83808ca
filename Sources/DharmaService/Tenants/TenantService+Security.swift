import DharmaAudit
import DharmaCore
import DharmaStore
import Foundation

/// What an organisation's security dashboard reads beyond its own audit log.
extension TenantService {
    /// Requests refused in the organisation, from the server's own audit log, for its admins:
    /// who tried what and why it was refused. Refusals elsewhere stay out of it.
    public func deniedRequests(in organisation: String, since: Double) async throws(ServiceError) -> [AuditEntry] {
        _ = try await access.require(.administer, in: organisation, to: "read denied requests")
        let location = data.serverState
        guard FileManager.default.fileExists(atPath: location.databasePath) else { return [] }
        let log = try location.auditLog(try location.store())
        let entries = try await serviceCall { try await log.entries(matching: AuditFilter(since: since)) }
        return entries.filter { $0.action == "denied" && $0.stack == "org/\(organisation)" }
    }

    /// The witnesses the organisation's log pushes its checkpoints to, and how far each cosigned.
    public func witnesses(of organisation: String) async throws(ServiceError) -> [LogWitness] {
        _ = try await access.require(.read, in: organisation, to: "list witnesses")
        return try await serviceCall { try await store.witnesses(of: organisation) }
    }
}
