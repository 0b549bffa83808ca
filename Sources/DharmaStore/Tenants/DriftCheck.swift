import DharmaCore

/// The newest drift check of a managed stack, as Terraform Cloud's health assessments keep
/// theirs: when it ran, how many resources it compared with the real world, and which differed.
/// The stack list shows it; a check never run is shown as such, not as "in sync".
public struct DriftCheck: Sendable, Codable, Hashable {
    public var organisation: String
    public var stack: StackID
    public var checkedAt: Double
    public var checked: Int
    /// The drifted resources' names, sorted; empty when everything matched.
    public var drifted: [String]
    public var actor: String

    public init(organisation: String, stack: StackID, checkedAt: Double, checked: Int, drifted: [String], actor: String) {
        self.organisation = organisation
        self.stack = stack
        self.checkedAt = checkedAt
        self.checked = checked
        self.drifted = drifted
        self.actor = actor
    }
}

/// Where each stack's newest drift check is kept.
public protocol DriftCheckStore: Sendable {
    /// Keeps the check, replacing the stack's previous one.
    func recordDriftCheck(_ check: DriftCheck) async throws
    /// The newest check of each stack of the organisation that has one.
    func driftChecks(in organisation: String) async throws -> [StackID: DriftCheck]
}
