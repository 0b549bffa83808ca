import DharmaAudit
import DharmaCore
import DharmaStore
import Foundation

/// The one place the server decides whether a principal may touch an organisation's objects.
/// An organisation the principal is not a member of is reported as not found, exactly as one
/// that does not exist, so no caller learns another tenant's names; every refusal is an entry
/// on the server's audit log naming the actor, what was asked and why it was refused.
struct Access: Sendable {
    var context: ServiceContext
    var data: ServerData

    /// The principal scoped to `organisation`, holding `permission` there.
    func require(_ permission: Permission, in organisation: String, to what: String) async throws(ServiceError) -> Principal {
        let principal = context.principal
        guard principal.memberships[organisation] != nil else {
            await deny(what, organisation: organisation, reason: "not a member")
            throw .notFound("organisation `\(organisation)` not found")
        }
        let scoped = principal.scoped(to: organisation)
        guard scoped.may(permission) else {
            let role = principal.memberships[organisation]?.rawValue ?? "none"
            await deny(what, organisation: organisation, reason: "role \(role) lacks the \(permission.rawValue) permission")
            throw .forbidden("\(principal.name) may not \(what) in `\(organisation)` (role \(role); needs the \(permission.rawValue) permission)")
        }
        return scoped
    }

    /// Refuses anyone but a server administrator.
    func requireServerAdmin(to what: String) async throws(ServiceError) {
        guard context.principal.serverAdmin else {
            await deny(what, organisation: nil, reason: "not a server administrator")
            throw .forbidden("\(context.principal.name) may not \(what) (server administrators only)")
        }
    }

    /// Records a refusal; a failure to record is a warning, never a reason to answer otherwise.
    func deny(_ what: String, organisation: String?, reason: String) async {
        do {
            try await record(
                AuditDraft(
                    actor: context.principal.name, action: "denied", stack: organisation.map { "org/\($0)" } ?? "server",
                    reason: "\(what): \(reason)"))
        } catch {
            context.warn("warning: a denied request was not recorded on the audit log: \(error)")
        }
    }

    /// Appends to the server's own audit log.
    func record(_ draft: AuditDraft) async throws {
        let location = data.serverState
        let store = try location.store()
        let log = try location.auditLog(store)
        _ = try await log.append([draft])
    }
}
