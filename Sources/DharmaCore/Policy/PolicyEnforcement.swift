/// How hard a failing policy check stops a change, as Terraform Cloud's policy sets say it:
/// advisory findings are reported only; a soft-mandatory failure stops the change until an
/// approver overrides it with a reason; a hard-mandatory failure stops it.
public enum EnforcementLevel: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
    case advisory
    case softMandatory = "soft-mandatory"
    case hardMandatory = "hard-mandatory"

    public static func < (lhs: EnforcementLevel, rhs: EnforcementLevel) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// An organisation's enforcement levels: per rule, per compliance framework, and for every
/// other rule. A rule's own level wins; otherwise the strictest level among its frameworks.
public struct PolicyEnforcement: Sendable, Codable, Hashable {
    public var rules: [String: EnforcementLevel]
    public var frameworks: [String: EnforcementLevel]
    /// The level of a rule neither it nor any of its frameworks is given.
    public var otherwise: EnforcementLevel

    public init(rules: [String: EnforcementLevel] = [:], frameworks: [String: EnforcementLevel] = [:], otherwise: EnforcementLevel = .hardMandatory) {
        self.rules = rules
        self.frameworks = frameworks
        self.otherwise = otherwise
    }

    /// Every failure at or above the threshold stops the change: what a blueprint's `failOn`
    /// has always meant, and what a gate without an organisation's settings does.
    public static let strict = PolicyEnforcement()

    /// The level of the rule `id`, which maps to `frameworks`.
    public func level(ofRule id: String, frameworks ruleFrameworks: some Sequence<String>) -> EnforcementLevel {
        if let level = rules[id] { return level }
        return ruleFrameworks.compactMap { frameworks[$0] }.max() ?? otherwise
    }
}

/// An approver's decision to let a run through soft-mandatory failures: who, why, and which
/// rules it covers, so a later plan with other failures waits again.
public struct PolicyOverride: Sendable, Codable, Hashable {
    public var by: String
    public var reason: String
    public var rules: [String]
    public var at: Double

    public init(by: String, reason: String, rules: [String], at: Double) {
        self.by = by
        self.reason = reason
        self.rules = rules
        self.at = at
    }
}
