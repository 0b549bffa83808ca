import DharmaCore
import Foundation

/// Rules, waivers and a threshold: what every change to a stack passes through. A change is
/// judged by the stack as it will be after it, so a scale-out is judged with its new replica
/// count and a patch with its new version.
public struct PolicyGate: Sendable {
    public var rules: [Rule]
    public var waivers: [Waiver]
    /// Failures at or above this refuse the change; nil refuses nothing.
    public var threshold: FindingSeverity?

    public init(rules: [Rule], waivers: [Waiver] = [], threshold: FindingSeverity?) {
        self.rules = rules
        self.waivers = waivers
        self.threshold = threshold
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

    /// Whether the report lets the change through.
    public func verdict(_ report: PolicyReport) -> PolicyVerdict {
        guard let threshold else { return .passed }
        let blocking = report.failures(atOrAbove: threshold)
        return blocking.isEmpty ? .passed : .refused(threshold: threshold, blocking: blocking)
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
    /// Failures at or above the threshold; the change must not be made.
    case refused(threshold: FindingSeverity, blocking: [Finding])

    public var isRefused: Bool {
        if case .refused = self { return true }
        return false
    }

    /// The rules that refused, for an incident or an audit entry.
    public var ruleIDs: [String] {
        guard case .refused(_, let blocking) = self else { return [] }
        var seen = Set<String>()
        return blocking.map(\.rule.id).filter { seen.insert($0).inserted }
    }

    /// One line naming what refused the change.
    public var message: String? {
        guard case .refused(let threshold, let blocking) = self else { return nil }
        return "\(blocking.count) polic\(blocking.count == 1 ? "y finding" : "y findings") at or above \(threshold.rawValue): "
            + blocking.prefix(10).map { "\($0.rule.id) on \($0.resource.address)" }.joined(separator: ", ")
    }
}
