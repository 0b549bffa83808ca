import DharmaCore

/// Storage for the autopilot's incidents and the outcomes of its remediations. The incident
/// itself is the autopilot's JSON document; the store indexes the fields it is looked up by.
public protocol IncidentStore: Sendable {
    /// Stores a new incident and returns its id.
    func openIncident(_ incident: StoredIncident) async throws -> Int
    /// Replaces a stored incident (matched by `id`).
    func updateIncident(_ incident: StoredIncident) async throws
    func incident(id: Int) async throws -> StoredIncident?
    /// Newest first; `stack` nil means every stack.
    func incidents(stack: String?, openOnly: Bool, limit: Int) async throws -> [StoredIncident]
    func recordOutcome(_ outcome: RemediationOutcome) async throws
    /// Oldest first; `stack` nil means every stack.
    func outcomes(stack: String?) async throws -> [RemediationOutcome]
}

public struct StoredIncident: Sendable, Hashable {
    public var id: Int
    public var stack: String
    public var resource: String
    public var symptom: SymptomKind
    /// `open` until the autopilot resolves it or gives it to a human (`resolved`, `escalated`).
    public var status: IncidentStatus
    public var openedAt: Double
    public var updatedAt: Double
    public var closedAt: Double?
    public var body: String

    public init(
        id: Int = 0, stack: String, resource: String, symptom: SymptomKind, status: IncidentStatus, openedAt: Double,
        updatedAt: Double, closedAt: Double?, body: String
    ) {
        self.id = id
        self.stack = stack
        self.resource = resource
        self.symptom = symptom
        self.status = status
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.closedAt = closedAt
        self.body = body
    }
}

/// What one remediation attempt achieved: the table the autopilot learns from.
public struct RemediationOutcome: Sendable, Hashable, Codable {
    public var stack: String
    public var symptom: SymptomKind
    public var action: RemediationAction
    public var succeeded: Bool
    /// From the incident opening to the symptom verified gone (or to the attempt failing).
    public var seconds: Double
    public var time: Double

    public init(stack: String, symptom: SymptomKind, action: RemediationAction, succeeded: Bool, seconds: Double, time: Double) {
        self.stack = stack
        self.symptom = symptom
        self.action = action
        self.succeeded = succeeded
        self.seconds = seconds
        self.time = time
    }
}
