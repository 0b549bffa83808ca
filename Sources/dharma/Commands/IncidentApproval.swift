import DharmaAudit
import DharmaAutopilot
import DharmaEngine
import Foundation

/// `dharma incident ID --approve`: records who approved an incident's proposed remediation,
/// on the incident (which the running loop reads) and on the audit log.
enum IncidentApproval {
    static func approve(_ incident: inout Incident, as approver: String?, book: IncidentBook, engine: StackEngine) async throws {
        guard incident.isOpen else {
            throw CLIFailure(message: "incident \(incident.id) is \(incident.status.rawValue); there is nothing left to approve", code: Exit.invalidInput)
        }
        guard let proposal = incident.slowQuery?.proposal.createStatement ?? incident.vulnerability?.proposal else {
            throw CLIFailure(message: "incident \(incident.id)'s remediation (\(incident.action)) needs no approval; the autopilot applies it by itself",
                             code: Exit.invalidInput)
        }
        if let approvedBy = incident.approvedBy {
            throw CLIFailure(message: "incident \(incident.id) was already approved by \(approvedBy)", code: Exit.invalidInput)
        }
        let name = approver ?? ProcessInfo.processInfo.environment["USER"] ?? "operator"
        guard !name.isEmpty, name != Autopilot.actor else {
            throw CLIFailure(message: "--as `\(name)`: name the person who approves", code: Exit.invalidInput)
        }
        try await engine.record(AuditDraft(actor: name, action: "approve-remediation", stack: incident.stack.description, resources: [incident.resource],
                                           reason: "incident \(incident.id): \(proposal)"))
        incident.approve(by: name, at: Date().timeIntervalSince1970)
        try await book.save(incident)
    }
}
