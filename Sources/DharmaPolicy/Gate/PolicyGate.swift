import DharmaCore
import Foundation

/// Rules, waivers, a threshold and enforcement levels: what every change to a stack passes
/// through. A change is judged by the stack as it will be after it, so a scale-out is judged
/// with its new replica count and a patch with its new version.
public struct PolicyGate: Sendable {
    public var rules: [Rule]
    public var waivers: [Waiver]
    /// Failures at or above this stop the change, as their enforcement level says; nil stops nothing.
    public var threshold: FindingSeverity?
    public var enforcement: PolicyEnforcement
    /// An approver's override of soft-mandatory failures, when one was given.
    public var override: PolicyOverride?

    public init(
        rules: [Rule], waivers: [Waiver] = [], threshold: FindingSeverity?, enforcement: PolicyEnforcement = .strict, override: PolicyOverride? = nil
    ) {
        self.rules = rules
        self.waivers = waivers
        self.threshold = threshold
        self.enforcement = enforcement
        self.override = override
    }

    /// The findings for a blueprint with its variables.
    public func evaluate(_ prepared: PreparedBlueprint, today: String = PolicyGate.today()) -> PolicyReport {
        evaluate(BlueprintAdapter.model(prepared.blueprint, variables: prepared.variables), today: today)
    }

    /// The findings for the stack as a change will leave it: the blueprint's model with each
    /// adjustment's property set on its resource.
    public func evaluate(_ prepared: PreparedBlueprint, adjusting adjustments: [PolicyAdjustment], today: String = PolicyGate.today()) -> PolicyReport {
        var resources = BlueprintAdapter.model(prepared.blueprint, variables: prepared.variables)
        for adjustment in adjustments {
            for index in resources.indices where resources[index].address == adjustment.resource {
                resources[index].properties[adjustment.property] = adjustment.value
            }
        }
        return evaluate(resources, today: today)
    }

    /// The findings for resources already in the common model.
    public func evaluate(_ resources: [PolicyResource], today: String = PolicyGate.today()) -> PolicyReport {
        PolicyReport(
            findings: PolicyEngine(rules: rules, waivers: waivers).evaluate(resources, today: today),
            problems: [], files: 1, resources: resources.count)
    }

    /// Whether the report lets the change through: hard-mandatory failures refuse it,
    /// soft-mandatory ones hold it until overridden, advisory ones only show in the report.
    public func verdict(_ report: PolicyReport) -> PolicyVerdict {
        guard let threshold else { return .passed }
        let failures = report.failures(atOrAbove: threshold)
        let levels = failures.map { enforcement.level(ofRule: $0.rule.id, frameworks: $0.rule.frameworks.keys) }
        let hard = zip(failures, levels).filter { $0.1 == .hardMandatory }.map(\.0)
        if !hard.isEmpty { return .refused(threshold: threshold, blocking: hard) }
        let soft = zip(failures, levels).filter { $0.1 == .softMandatory }.map(\.0)
        if soft.isEmpty { return .passed }
        if let override, Set(soft.map(\.rule.id)).isSubset(of: override.rules) { return .overridden(override, findings: soft) }
        return .softFailed(threshold: threshold, blocking: soft)
    }

    /// Today in UTC, as waivers write their expiry.
    public static func today(_ now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: now)
    }
}

/// One property of one resource as a change sets it in the common model: a scale-out's
/// `replicas`, a patch's `version`, an index added to a database's `indexes`.
public struct PolicyAdjustment: Sendable {
    public var resource: String
    public var property: String
    public var value: PolicyValue

    public init(resource: String, property: String, value: PolicyValue) {
        self.resource = resource
        self.property = property
        self.value = value
    }
}

/// What the gate decided.
public enum PolicyVerdict: Sendable {
    case passed
    /// Hard-mandatory failures at or above the threshold; the change must not be made.
    case refused(threshold: FindingSeverity, blocking: [Finding])
    /// Soft-mandatory failures at or above the threshold: the change waits for an approver's
    /// override, and is refused where no one can give one.
    case softFailed(threshold: FindingSeverity, blocking: [Finding])
    /// Soft-mandatory failures an approver let through.
    case overridden(PolicyOverride, findings: [Finding])

    /// The change must not be made as things stand.
    public var isRefused: Bool { message != nil }

    /// Failures an approver may override.
    public var isOverridable: Bool {
        if case .softFailed = self { return true }
        return false
    }

    /// The rules that stop the change, for an incident, an audit entry or an override.
    public var ruleIDs: [String] {
        let blocking: [Finding]
        switch self {
        case .refused(_, let found), .softFailed(_, let found): blocking = found
        case .passed, .overridden: return []
        }
        var seen = Set<String>()
        return blocking.map(\.rule.id).filter { seen.insert($0).inserted }
    }

    /// One line naming what stops the change; nil when it may go ahead.
    public var message: String? {
        switch self {
        case .passed, .overridden: return nil
        case .refused(let threshold, let blocking):
            return "\(blocking.count) polic\(blocking.count == 1 ? "y finding" : "y findings") at or above \(threshold.rawValue): " + Self.list(blocking)
        case .softFailed(let threshold, let blocking):
            return "\(blocking.count) soft-mandatory polic\(blocking.count == 1 ? "y finding" : "y findings") at or above \(threshold.rawValue), "
                + "which an approver may override with a reason: " + Self.list(blocking)
        }
    }

    static func list(_ findings: [Finding]) -> String {
        findings.prefix(10).map { "\($0.rule.id) on \($0.resource.address)" }.joined(separator: ", ")
    }
}
