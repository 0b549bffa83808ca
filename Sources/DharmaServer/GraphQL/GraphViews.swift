import DharmaAudit
import DharmaAutopilot
import DharmaCore
import DharmaService
import DharmaStore
import Foundation

/// What GraphQL shows of each object: flat, read-only views of the service layer's records,
/// with the same redactions as the REST API (no secret, no sealed value).
struct OrganisationView: Codable, Sendable {
    var name: String
    var role: String?
}

struct StackView: Codable, Sendable {
    var organisation: String
    var project: String
    var name: String
    var environment: String
    var reference: String
    var protected: Bool
    var lockedBy: String?

    init(_ stack: ManagedStack) {
        organisation = stack.organisation
        project = stack.project
        name = stack.stack.name
        environment = stack.stack.environment
        reference = stack.reference
        protected = stack.protected
        lockedBy = stack.lockedBy
    }
}

struct RunView: Codable, Sendable {
    var id: String
    var stack: String
    var kind: String
    var state: String
    var actor: String
    var message: String?
    var blueprintVersion: Int
    var createdAt: String
    var updatedAt: String
    var error: String?

    init(_ run: Run) {
        id = run.id
        stack = "\(run.stack.name).\(run.stack.environment)"
        kind = run.kind.rawValue
        state = run.state.rawValue
        actor = run.actor
        message = run.message
        blueprintVersion = run.blueprintVersion
        createdAt = Date(timeIntervalSince1970: run.createdAt).formatted(.iso8601)
        updatedAt = Date(timeIntervalSince1970: run.updatedAt).formatted(.iso8601)
        error = run.error
    }
}

struct ResourceView: Codable, Sendable {
    var name: String
    var type: String
    var provider: String
    var region: String
    var dependencies: [String]
}

struct IncidentView: Codable, Sendable {
    var id: Int
    var resource: String
    var severity: String
    var status: String
    var summary: String
    var openedAt: String

    init(_ incident: Incident) {
        id = incident.id
        resource = incident.resource
        severity = incident.severity.rawValue
        status = incident.status.rawValue
        summary = incident.summary
        openedAt = Date(timeIntervalSince1970: incident.openedAt).formatted(.iso8601)
    }
}

struct AuditEntryView: Codable, Sendable {
    var seq: Int
    var time: String
    var actor: String
    var action: String
    var stack: String
    var reason: String
}
