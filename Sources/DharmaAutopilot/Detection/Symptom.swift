import DharmaCore
import DharmaMetrics

/// One thing observed to be wrong with a resource: the difference between what was applied
/// and what runs, as refresh reports it.
public struct Symptom: Sendable, Hashable {
    public typealias Kind = SymptomKind

    public var kind: Kind
    public var resource: String
    public var resourceType: String
    /// The drift as refresh reported it.
    public var diff: [AttributeDiff]
    /// The replicas the symptom concerns (down, unhealthy, leaking), and how many the resource
    /// should have.
    public var affected: [Int] = []
    public var replicas: Int = 1
    /// For high CPU: what the autoscaler saw.
    public var load: LoadReading?
    /// For a crash: every replica that is down was stopped by a signal from outside (SIGKILL,
    /// SIGTERM…) rather than failing by itself — like a deleted pod, it is replaced at once.
    public var stoppedFromOutside = false
    /// For a slow query: the statement, its timings and the index proposed for it.
    public var slowQuery: SlowQuery?
    /// For a vulnerable version: the advisories and the fixing version.
    public var vulnerability: Vulnerability?
    /// For a burning error budget: the burn-rate alerts that fire.
    public var burnAlerts: [ServiceLevelStatus.Alert] = []

    public init(kind: Kind, resource: String, resourceType: String, diff: [AttributeDiff], affected: [Int] = [], replicas: Int = 1) {
        self.kind = kind
        self.resource = resource
        self.resourceType = resourceType
        self.diff = diff
        self.affected = affected
        self.replicas = replicas
    }

    public init(load: LoadReading) {
        self.init(
            kind: .cpu, resource: load.resource, resourceType: load.resourceType,
            diff: [AttributeDiff(attribute: "cpu", old: .string("\(Int(load.target))%"), new: .string("\(Int(load.utilisation.rounded()))%"))],
            replicas: load.current)
        self.load = load
    }

    public init(burning alerts: [ServiceLevelStatus.Alert], of state: ResourceState) {
        self.init(
            kind: .sloBurn, resource: state.name, resourceType: state.type,
            diff: alerts.map { alert in
                AttributeDiff(
                    attribute: "\(alert.indicator) burn rate", old: .string("below \(ServiceLevelStatus.Alert.times(alert.rule.threshold))"),
                    new: .string(ServiceLevelStatus.Alert.times(alert.longBurn)))
            })
        burnAlerts = alerts
    }

    public var severity: Incident.Severity {
        switch kind {
        case .crash: affected.count >= replicas ? .critical : .major
        case .missing, .cpu, .unhealthy, .memory, .slowQuery, .vulnerable: .major
        // The workbook pages for both; the fast burn spends a month's budget in two days.
        case .sloBurn: burnAlerts.contains { $0.rule.speed == .fast } ? .critical : .major
        case .drift: .minor
        case .expiring:
            diff.contains { $0.new?.stringValue?.hasPrefix("expired") == true || $0.new?.stringValue?.hasPrefix("not issued") == true }
                ? .critical : .minor
        }
    }

    public var summary: String {
        switch kind {
        case .crash:
            let which = affected.map { "replica \($0)" }.joined(separator: ", ")
            return affected.count >= replicas
                ? "\(resource) is down (\(which) not running)"
                : "\(resource): \(which) of \(replicas) not running"
        case .missing:
            return "\(resource) no longer exists"
        case .drift:
            return "\(resource) drifted: \(diff.map(\.attribute).joined(separator: ", "))"
        case .unhealthy:
            return "\(resource): " + affected.map { "replica \($0)" }.joined(separator: ", ") + " fail\(affected.count == 1 ? "s" : "") the health check"
        case .memory:
            return "\(resource): " + affected.map { "replica \($0)" }.joined(separator: ", ") + " leak\(affected.count == 1 ? "s" : "") memory"
        case .vulnerable:
            guard let found = vulnerability else { return "\(resource) runs a vulnerable version" }
            return "\(resource): \(found.package) \(found.version) is affected by \(found.advisories.joined(separator: ", "))"
                + (found.fixedVersion.map { "; fixed in \($0)" } ?? "; no fixed version published")
        case .expiring:
            return "\(resource): certificate due for renewal" + (diff.first?.new?.stringValue.map { " — \($0)" } ?? "")
        case .slowQuery:
            guard let query = slowQuery else { return "\(resource): a query is slow" }
            return "\(resource): a query averages \(SlowQuery.milliseconds(query.meanMilliseconds)) over \(query.calls) calls, "
                + "scanning \(query.proposal.schema).\(query.proposal.table) sequentially"
        case .sloBurn:
            return "\(resource): " + burnAlerts.map(\.summary).joined(separator: "; ")
        case .cpu:
            return "\(resource) runs hot: CPU above its \(Int(load?.target ?? 0))% target on \(replicas) replica\(replicas == 1 ? "" : "s")"
        }
    }

    /// The observation, in words, for the timeline and the audit log.
    public var evidence: String {
        let observed = diff.map { "\($0.attribute): \(Self.text($0.old)) → \(Self.text($0.new))" }
        let query = slowQuery.map { " — `\($0.query)`; proposed: \($0.proposal.createStatement)" } ?? ""
        return summary + (observed.isEmpty ? "" : " [" + observed.joined(separator: "; ") + "]") + query
    }

    private static func text(_ value: Value?) -> String {
        guard let value else { return "absent" }
        return value.stringValue ?? value.jsonText
    }
}
