import DharmaAudit
import DharmaCore
import DharmaEngine
import Foundation

/// `dharma incident ID --approve`: a person approves the remediation an incident proposes. The
/// approval goes on the incident (which the running loop reads) and on the audit log.
public enum IncidentApproval {
    public enum Refusal: Error, Sendable, CustomStringConvertible {
        case closed(Incident)
        case nothingToApprove(Incident)
        case alreadyApproved(Incident, by: String)
        case notAPerson(String)

        public var description: String {
            switch self {
            case .closed(let incident): "incident \(incident.id) is \(incident.status); there is nothing left to approve"
            case .nothingToApprove(let incident):
                "incident \(incident.id)'s remediation (\(incident.action)) needs no approval; the autopilot applies it by itself"
            case .alreadyApproved(let incident, let name): "incident \(incident.id) was already approved by \(name)"
            case .notAPerson(let name): "--as `\(name)`: name the person who approves"
            }
        }
    }

    /// What approving the incident lets the autopilot do, in words; nil when it acts unasked.
    public static func proposal(of incident: Incident) -> String? {
        incident.slowQuery?.proposal.createStatement ?? incident.vulnerability?.proposal
    }

    /// Records `approver`'s approval; the engine's audit log gets an `approve-remediation` entry.
    public static func approve(
        _ incident: Incident, as approver: String, book: IncidentBook, engine: StackEngine,
        at time: Double = Date().timeIntervalSince1970
    ) async throws -> Incident {
        guard incident.isOpen else { throw Refusal.closed(incident) }
        guard let proposal = proposal(of: incident) else { throw Refusal.nothingToApprove(incident) }
        if let approvedBy = incident.approvedBy { throw Refusal.alreadyApproved(incident, by: approvedBy) }
        guard !approver.isEmpty, approver != Autopilot.actor else { throw Refusal.notAPerson(approver) }
        try await engine.record(
            AuditDraft(
                actor: approver, action: "approve-remediation", stack: incident.stack.description,
                resources: [incident.resource], reason: "incident \(incident.id): \(proposal)"))
        var approved = incident
        approved.approve(by: approver, at: time)
        try await book.save(approved)
        return approved
    }
}
