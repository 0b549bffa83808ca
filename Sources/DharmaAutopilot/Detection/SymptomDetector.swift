import DharmaCore
import DharmaEngine
import DharmaProviders

/// Splits a survey's plan into symptoms — the running stack moved away from what was applied —
/// and wanted changes — the blueprint moved away from what was applied. The first are the
/// autopilot's to heal; the second are a person's edits, applied as they are.
public enum SymptomDetector {
    public struct Findings: Sendable {
        public var symptoms: [Symptom]
        /// Resources whose change comes from the blueprint (created, edited, removed).
        public var wanted: Set<String>
    }

    public static func examine(_ survey: StackEngine.Survey) -> Findings {
        var symptoms: [Symptom] = []
        var wanted: Set<String> = []
        for change in survey.plan.changes where change.action != .noop {
            guard let recorded = survey.recorded.resources[change.resource], change.action != .delete else {
                wanted.insert(change.resource)
                continue
            }
            let observation = survey.observed[change.resource]
            if observation?.exists == false {
                symptoms.append(Symptom(kind: .missing, resource: change.resource, resourceType: recorded.type, diff: []))
                continue
            }
            let drifted = Set((observation?.drift ?? []).map(\.attribute))
            // A value still unknown only follows from a change upstream (a restarted service's
            // outputs); it is known again once that is applied, and only then is it a change.
            let edited = change.diff.filter { !drifted.contains($0.attribute) && $0.new?.containsUnknown != true }
            if change.action == .replace || !edited.isEmpty {
                wanted.insert(change.resource)
            }
            let drift = change.diff.filter { drifted.contains($0.attribute) }
            let down = drift.compactMap(downReplica)
            if !down.isEmpty {
                let replicas = recorded.inputs["replicas"]?.intValue ?? 1
                var crash = Symptom(
                    kind: .crash, resource: change.resource, resourceType: recorded.type,
                    diff: drift.filter { downReplica($0) != nil }, affected: down.sorted(), replicas: replicas)
                let pids = Replica.all(of: recorded).filter { down.contains($0.index) }.map(\.pid)
                crash.stoppedFromOutside =
                    recorded.type == "database.postgres"
                    ? PostgresServerLog.endedBySignal(recorded)
                    : !pids.isEmpty && pids.allSatisfy { ProcessTable.ending(of: $0)?.wasStopped == true }
                symptoms.append(crash)
            }
            // A certificate near or past its expiry is renewed, not reconciled.
            let expiry = recorded.type == "security.certificate" ? drift.filter { $0.attribute == "notAfter" } : []
            if !expiry.isEmpty {
                symptoms.append(Symptom(kind: .expiring, resource: change.resource, resourceType: recorded.type, diff: expiry))
            }
            let other = drift.filter { downReplica($0) == nil && !expiry.contains($0) }
            if !other.isEmpty {
                symptoms.append(Symptom(kind: .drift, resource: change.resource, resourceType: recorded.type, diff: other))
            }
        }
        return Findings(symptoms: symptoms, wanted: wanted)
    }

    /// `replica[3].process` → 3: how the local runtime reports a replica that is not running.
    static func downReplica(_ diff: AttributeDiff) -> Int? {
        let name = diff.attribute
        guard name.hasPrefix("replica["), name.hasSuffix("].process") else { return nil }
        return Int(name.dropFirst("replica[".count).dropLast("].process".count))
    }
}
