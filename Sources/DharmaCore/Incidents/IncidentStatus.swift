/// Where an incident stands for the people who read it.
public enum IncidentStatus: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    /// The autopilot is working on it.
    case open
    /// A remediation was verified, or the symptom went away by itself.
    case resolved
    /// The autopilot gave up (its remediation did not help and was rolled back, or the policy
    /// gate refused it); a person has to look.
    case escalated

    /// The name as written in files, the database and messages.
    public var description: String { rawValue }
}
