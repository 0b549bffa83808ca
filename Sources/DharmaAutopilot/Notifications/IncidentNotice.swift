import DharmaCore

/// An incident opening or resolving, as receivers are told about it.
public struct IncidentNotice: Sendable, Hashable {
    public enum Event: String, Sendable {
        case opened, resolved
    }

    public var event: Event
    public var incident: Incident

    public init(_ event: Event, _ incident: Incident) {
        self.event = event
        self.incident = incident
    }

    /// The same for both events of an incident, so receivers pair the resolve with its alert.
    public var dedupKey: String { "dharma/\(incident.stack)/incident/\(incident.id)" }

    /// One line for humans.
    public var text: String {
        switch event {
        case .opened:
            "[\(incident.severity.rawValue)] \(incident.stack): \(incident.summary) (incident \(incident.id); the autopilot will \(incident.action))"
        case .resolved:
            "[resolved] \(incident.stack): \(incident.summary) (incident \(incident.id), "
                + "\(incident.attempts == 0 ? "recovered by itself" : "\(incident.action) ×\(incident.attempts)"), "
                + "after \(Autopilot.seconds(incident.duration(now: incident.closedAt ?? incident.openedAt))))"
        }
    }

    var details: Value {
        .map([
            "incident": .int(incident.id), "resource": .string(incident.resource), "symptom": .string(incident.symptom.rawValue),
            "action": .string(incident.action.rawValue), "attempts": .int(incident.attempts),
            "evidence": .string(incident.timeline.first?.text ?? incident.summary),
        ])
    }
}
