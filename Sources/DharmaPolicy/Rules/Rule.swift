import DharmaCore

/// A policy rule: what it checks, on which kinds of resources, how bad a failure is, how to
/// fix it, and which framework controls and Checkov checks it corresponds to.
public struct Rule: Sendable {
    public typealias Severity = FindingSeverity

    public var id: String
    public var title: String
    public var severity: Severity
    public var description: String
    public var remediation: String
    /// Common-model kinds (`storage.bucket`, `network.firewall`, …).
    public var kinds: [String]
    /// Limits the rule to these providers; empty means all.
    public var providers: [String]
    /// The rule applies only where this holds.
    public var when: PolicyExpression?
    /// What must hold.
    public var assertion: PolicyExpression
    /// Framework id (`cis`, `soc2`, …) → control ids.
    public var frameworks: [String: [String]]
    /// Checkov check ids that test the same thing.
    public var equivalents: [String]
    /// Where the rule was defined, for messages about it.
    public var source: String

    public func applies(to resource: PolicyResource) -> Bool {
        kinds.contains(resource.kind) && (providers.isEmpty || providers.contains(resource.provider))
    }
}

/// The frameworks rules map to, with the ids used on the command line.
public enum Framework: String, Sendable, CaseIterable {
    case cis
    case soc2
    case iso27001
    case hipaa
    case pciDss = "pci-dss"
    case nist80053 = "nist-800-53"
    case gdpr
    case fedramp

    public var title: String {
        switch self {
        case .cis: return "CIS Foundations Benchmarks (AWS, Azure, GCP)"
        case .soc2: return "SOC 2 Trust Services Criteria"
        case .iso27001: return "ISO/IEC 27001:2022 Annex A"
        case .hipaa: return "HIPAA Security Rule (45 CFR 164 Subpart C)"
        case .pciDss: return "PCI DSS 4.0"
        case .nist80053: return "NIST SP 800-53 rev 5"
        case .gdpr: return "GDPR"
        case .fedramp: return "FedRAMP Moderate"
        }
    }
}
