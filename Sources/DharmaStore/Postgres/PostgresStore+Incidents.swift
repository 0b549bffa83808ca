import DharmaCore
import PostgresNIO

extension PostgresStore: IncidentStore {
    public func openIncident(_ incident: StoredIncident) async throws -> Int {
        try await write { connection in
            try await self.single(
                Int.self,
                """
                INSERT INTO \(unescaped: self.table("incidents")) (stack, resource, symptom, status, opened_at, updated_at, closed_at, body)
                VALUES (\(incident.stack), \(incident.resource), \(incident.symptom.rawValue), \(incident.status.rawValue), \(incident.openedAt),
                  \(incident.updatedAt), \(incident.closedAt), \(incident.body)) RETURNING id
                """, on: connection) ?? 0
        }
    }

    public func updateIncident(_ incident: StoredIncident) async throws {
        try await write { connection in
            let updated = try await self.single(
                Int.self,
                """
                UPDATE \(unescaped: self.table("incidents")) SET status = \(incident.status.rawValue), updated_at = \(incident.updatedAt),
                  closed_at = \(incident.closedAt), body = \(incident.body) WHERE id = \(incident.id) RETURNING id
                """, on: connection)
            guard updated != nil else { throw StoreError("incident \(incident.id) is not in the database") }
        }
    }

    public func incident(id: Int) async throws -> StoredIncident? {
        try await incidents(where: "WHERE id = $1", [id], limit: 1).first
    }

    public func incidents(stack: String?, openOnly: Bool, limit: Int) async throws -> [StoredIncident] {
        switch (stack, openOnly) {
        case (let stack?, true): return try await incidents(where: "WHERE stack = $1 AND status = 'open'", [stack], limit: limit)
        case (let stack?, false): return try await incidents(where: "WHERE stack = $1", [stack], limit: limit)
        case (nil, true): return try await incidents(where: "WHERE status = 'open'", [], limit: limit)
        case (nil, false): return try await incidents(where: "", [], limit: limit)
        }
    }

    public func recordOutcome(_ outcome: RemediationOutcome) async throws {
        try await write { connection in
            try await connection.query(
                """
                INSERT INTO \(unescaped: self.table("remediation_outcomes")) (stack, symptom, action, succeeded, seconds, time)
                VALUES (\(outcome.stack), \(outcome.symptom.rawValue), \(outcome.action.rawValue), \(outcome.succeeded), \(outcome.seconds), \(outcome.time))
                """, logger: PostgresPool.quiet)
        }
    }

    public func outcomes(stack: String?) async throws -> [RemediationOutcome] {
        try await read { connection in
            var query = PostgresQuery(
                unsafeSQL: "SELECT stack, symptom, action, succeeded, seconds, time FROM \(self.table("remediation_outcomes"))"
                    + (stack == nil ? "" : " WHERE stack = $1") + " ORDER BY id")
            if let stack { query.binds.append(stack) }
            var outcomes: [RemediationOutcome] = []
            for try await (stack, symptom, action, succeeded, seconds, time) in try await connection.query(query, logger: PostgresPool.quiet).decode(
                (String, String, String, Bool, Double, Double).self)
            {
                outcomes.append(
                    RemediationOutcome(
                        stack: stack, symptom: try StoredName.decode(symptom, in: "remediation_outcomes.symptom"),
                        action: try StoredName.decode(action, in: "remediation_outcomes.action"), succeeded: succeeded, seconds: seconds, time: time))
            }
            return outcomes
        }
    }

    /// Incidents matching `filter` (placeholders from $1, bound to `values`), newest first.
    private func incidents(where filter: String, _ values: [any PostgresDynamicTypeEncodable & Sendable], limit: Int) async throws -> [StoredIncident] {
        try await read { connection in
            var query = PostgresQuery(
                unsafeSQL: """
                    SELECT id, stack, resource, symptom, status, opened_at, updated_at, closed_at, body FROM \(self.table("incidents"))
                    \(filter) ORDER BY id DESC LIMIT $\(values.count + 1)
                    """)
            for value in values { query.binds.append(value) }
            query.binds.append(limit)
            var found: [StoredIncident] = []
            for try await (id, stack, resource, symptom, status, openedAt, updatedAt, closedAt, body) in try await connection.query(
                query, logger: PostgresPool.quiet
            ).decode((Int, String, String, String, String, Double, Double, Double?, String).self) {
                found.append(
                    StoredIncident(
                        id: id, stack: stack, resource: resource, symptom: try StoredName.decode(symptom, in: "incidents.symptom"),
                        status: try StoredName.decode(status, in: "incidents.status"), openedAt: openedAt, updatedAt: updatedAt, closedAt: closedAt,
                        body: body))
            }
            return found
        }
    }
}
