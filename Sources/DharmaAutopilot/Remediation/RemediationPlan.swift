import DharmaCore
import DharmaEngine

/// Turns the incidents that are due, and the autoscaler's scale-ins, into one plan: each
/// resource's change from the survey (a restart, a reconcile, a recreate), or the same
/// resource with a new replica count; everything else left as it is.
final class RemediationPlan {
    private let survey: StackEngine.Survey
    private let readings: [String: LoadReading]
    private var chosen: [String: ResourceChange] = [:]
    private var descriptions: [Int: String] = [:]
    private(set) var scaleInReasons: [String] = []

    init(survey: StackEngine.Survey, readings: [LoadReading]) {
        self.survey = survey
        self.readings = Dictionary(readings.map { ($0.resource, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Adds what `incident` calls for; false when there is nothing to apply for it now (the
    /// symptom went away since it was seen).
    func add(_ incident: Incident) -> Bool {
        guard let change = survey.plan.changes.first(where: { $0.resource == incident.resource }) else { return false }
        if incident.symptom == .cpu {
            guard let reading = readings[incident.resource], reading.desired > reading.current else { return false }
            chosen[incident.resource] = Self.scaled(chosen[incident.resource] ?? change, from: reading.current, to: reading.desired)
            descriptions[incident.id] =
                "scale-out \(reading.current) → \(reading.desired) replicas (CPU \(Int(reading.utilisation.rounded()))% of \(Int(reading.target))%)"
            return true
        }
        guard change.action != .noop else { return false }
        if chosen[incident.resource] == nil { chosen[incident.resource] = change }
        descriptions[incident.id] = "\(incident.action) \(incident.attempts + 1)"
        return true
    }

    func addScaleIn(_ reading: LoadReading) {
        guard let change = survey.plan.changes.first(where: { $0.resource == reading.resource }) else { return }
        chosen[reading.resource] = Self.scaled(chosen[reading.resource] ?? change, from: reading.current, to: reading.desired)
        scaleInReasons.append(
            "scale-in \(reading.resource) \(reading.current) → \(reading.desired) replicas: CPU \(Int(reading.utilisation.rounded()))% "
                + "of a \(Int(reading.target))% target")
    }

    func describe(_ incident: Incident) -> String {
        descriptions[incident.id] ?? incident.action.rawValue
    }

    /// The plan to apply, or nil when there is nothing to do. `wanted` resources keep the
    /// blueprint's change.
    func changes(keeping wanted: Set<String>) -> Plan? {
        guard !chosen.isEmpty || !wanted.isEmpty else { return nil }
        var plan = survey.plan
        plan.changes = plan.changes.map { change in
            if wanted.contains(change.resource) { return change }
            return chosen[change.resource]
                ?? ResourceChange(resource: change.resource, type: change.type, action: .noop, diff: [], reason: nil, desired: change.desired)
        }
        return plan
    }

    static func scaled(_ change: ResourceChange, from current: Int, to replicas: Int) -> ResourceChange {
        var desired = change.desired
        desired?.inputs["replicas"] = .int(replicas)
        let diff = change.diff.filter { $0.attribute != "replicas" } + [AttributeDiff(attribute: "replicas", old: .int(current), new: .int(replicas))]
        return ResourceChange(
            resource: change.resource, type: change.type, action: .update, diff: diff,
            reason: "autoscale: \(current) → \(replicas) replicas", desired: desired)
    }
}
