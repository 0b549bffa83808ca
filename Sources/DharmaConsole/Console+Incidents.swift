import DharmaAutopilot
import DharmaCore
import DharmaService
import Hummingbird

struct IncidentRow {
    var id: Int
    var url: String
    var severity: String
    var resource: String
    var symptom: String
    var status: String
    var phase: String
    var summary: String
    var opened: String
}

struct IncidentView {
    struct Event {
        var time: String
        var kind: String
        var text: String
    }
    var organisation: String
    var stack: String
    var stackURL: String
    var id: Int
    var severity: String
    var resource: String
    var resourceType: String
    var symptom: String
    var status: String
    var phase: String
    var summary: String
    var opened: String
    var closed: String?
    var action: String
    var attempts: Int
    var approvedBy: String?
    var suspects: String?
    var timeline: [Event]
    /// While it is open the page follows it (it reloads itself).
    var open: Bool
    var canApprove: Bool
    var approveURL: String
}

/// A stack's incidents, found and healed by the supervisor in the server: the list on the
/// stack's page, each one's timeline, and approving a remediation that waits for a person.
extension Console {
    func incidentRows(_ reference: String, in organisation: String) async throws -> [IncidentRow] {
        let (tenants, _, _) = try acting()
        let incidents = try await ManagedStackService(tenants: tenants).incidents(reference, in: organisation, openOnly: false)
        return incidents.sorted { $0.id > $1.id }.prefix(20).map { Self.row($0, organisation, reference) }
    }

    static func row(_ incident: Incident, _ organisation: String, _ reference: String) -> IncidentRow {
        IncidentRow(
            id: incident.id, url: "/console/orgs/\(organisation)/stacks/\(reference)/incidents/\(incident.id)",
            severity: incident.severity.rawValue, resource: incident.resource, symptom: incident.symptom.rawValue,
            status: incident.status.rawValue, phase: incident.phase.rawValue, summary: incident.summary, opened: Self.time(incident.openedAt))
    }

    func incidentPage(_ organisation: String, _ reference: String, _ id: String) async throws -> Response {
        let (tenants, _, session) = try acting()
        guard let number = Int(id) else { throw HTTPError(.notFound) }
        let incident = try await ManagedStackService(tenants: tenants).incident(number, of: reference, in: organisation)
        let waitsForPerson = incident.isOpen && incident.approvedBy == nil && incident.timeline.last?.kind == .waiting
        let view = IncidentView(
            organisation: organisation, stack: reference, stackURL: "/console/orgs/\(organisation)/stacks/\(reference)", id: incident.id,
            severity: incident.severity.rawValue, resource: incident.resource, resourceType: incident.resourceType, symptom: incident.symptom.rawValue,
            status: incident.status.rawValue, phase: incident.phase.rawValue, summary: incident.summary, opened: Self.time(incident.openedAt),
            closed: incident.closedAt.map(Self.time), action: incident.action.description, attempts: incident.attempts, approvedBy: incident.approvedBy,
            suspects: incident.suspects.isEmpty ? nil : incident.suspects.joined(separator: ", "),
            timeline: incident.timeline.map { .init(time: Self.time($0.time), kind: $0.kind.rawValue, text: $0.text) }, open: incident.isOpen,
            canApprove: waitsForPerson && session.principal.scoped(to: organisation).may(.approve),
            approveURL: "/console/orgs/\(organisation)/stacks/\(reference)/incidents/\(incident.id)/approve")
        return pages.render(.incident, title: "Incident \(incident.id) of \(reference)", view)
    }

    func approveIncident(_ organisation: String, _ reference: String, _ id: String) async throws -> Response {
        let (tenants, _, _) = try acting()
        guard let number = Int(id) else { throw HTTPError(.notFound) }
        _ = try await ManagedStackService(tenants: tenants).approveIncident(number, of: reference, in: organisation)
        return Self.redirect(to: "/console/orgs/\(organisation)/stacks/\(reference)/incidents/\(number)")
    }
}
