import DharmaCore
import GRDB

extension SQLiteStore: IncidentStore {
    public func openIncident(_ incident: StoredIncident) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO incidents (stack, resource, symptom, status, opened_at, updated_at, closed_at, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    incident.stack, incident.resource, incident.symptom.rawValue, incident.status.rawValue, incident.openedAt,
                    incident.updatedAt, incident.closedAt, incident.body,
                ])
            return Int(db.lastInsertedRowID)
        }
    }

    public func updateIncident(_ incident: StoredIncident) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE incidents SET status = ?, updated_at = ?, closed_at = ?, body = ? WHERE id = ?
                    """, arguments: [incident.status.rawValue, incident.updatedAt, incident.closedAt, incident.body, incident.id])
            guard db.changesCount == 1 else { throw StoreError("incident \(incident.id) is not in the database") }
        }
    }

    public func incident(id: Int) async throws -> StoredIncident? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM incidents WHERE id = ?", arguments: [id]).map(Self.incident(from:))
        }
    }

    public func incidents(stack: String?, openOnly: Bool, limit: Int) async throws -> [StoredIncident] {
        try await database.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let stack {
                conditions.append("stack = ?")
                arguments += [stack]
            }
            if openOnly {
                conditions.append("status = ?")
                arguments += [IncidentStatus.open.rawValue]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [limit]
            return try Row.fetchAll(db, sql: "SELECT * FROM incidents \(filter) ORDER BY id DESC LIMIT ?", arguments: arguments)
                .map(Self.incident(from:))
        }
    }

    public func recordOutcome(_ outcome: RemediationOutcome) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO remediation_outcomes (stack, symptom, action, succeeded, seconds, time) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [outcome.stack, outcome.symptom.rawValue, outcome.action.rawValue, outcome.succeeded, outcome.seconds, outcome.time])
        }
    }

    public func outcomes(stack: String?) async throws -> [RemediationOutcome] {
        try await database.read { db in
            let rows =
                if let stack {
                    try Row.fetchAll(db, sql: "SELECT * FROM remediation_outcomes WHERE stack = ? ORDER BY id", arguments: [stack])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM remediation_outcomes ORDER BY id")
                }
            return try rows.map { row in
                RemediationOutcome(
                    stack: row["stack"], symptom: try StoredName.decode(row["symptom"], in: "remediation_outcomes.symptom"),
                    action: try StoredName.decode(row["action"], in: "remediation_outcomes.action"), succeeded: row["succeeded"],
                    seconds: row["seconds"], time: row["time"])
            }
        }
    }

    private static func incident(from row: Row) throws -> StoredIncident {
        StoredIncident(
            id: row["id"], stack: row["stack"], resource: row["resource"], symptom: try StoredName.decode(row["symptom"], in: "incidents.symptom"),
            status: try StoredName.decode(row["status"], in: "incidents.status"), openedAt: row["opened_at"], updatedAt: row["updated_at"],
            closedAt: row["closed_at"], body: row["body"])
    }
}
