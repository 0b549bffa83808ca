import DharmaCore
import DharmaStore
import Foundation

/// Incidents as the store keeps them: the document as JSON, indexed by stack, resource and
/// status.
public struct IncidentBook: Sendable {
    public var store: any IncidentStore

    public init(store: any IncidentStore) {
        self.store = store
    }

    /// Stores a new incident; returns it with its id.
    public func open(_ incident: Incident) async throws -> Incident {
        var incident = incident
        incident.id = try await store.openIncident(try stored(incident))
        return incident
    }

    public func save(_ incident: Incident) async throws {
        try await store.updateIncident(try stored(incident))
    }

    public func incident(id: Int) async throws -> Incident? {
        try await store.incident(id: id).map(decode)
    }

    public func incidents(stack: StackID?, openOnly: Bool = false, limit: Int = 1000) async throws -> [Incident] {
        try await store.incidents(stack: stack?.description, openOnly: openOnly, limit: limit).map(decode)
    }

    private func stored(_ incident: Incident) throws -> StoredIncident {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return StoredIncident(
            id: incident.id, stack: incident.stack.description, resource: incident.resource,
            symptom: incident.symptom, status: incident.status, openedAt: incident.openedAt,
            updatedAt: incident.timeline.last?.time ?? incident.openedAt, closedAt: incident.closedAt,
            body: String(decoding: try encoder.encode(incident), as: UTF8.self))
    }

    private func decode(_ stored: StoredIncident) throws -> Incident {
        do {
            // The row's id is the incident's: the document is written before the id exists.
            var incident = try JSONDecoder().decode(Incident.self, from: Data(stored.body.utf8))
            incident.id = stored.id
            return incident
        } catch {
            throw StoreError("incident \(stored.id) in the state database cannot be read (\(error)); the database may be damaged")
        }
    }
}
