import DharmaCore

/// Something wrong with one resource of a running stack, from the moment the autopilot sees it
/// to the moment a fix is verified, with everything that happened in between.
public struct Incident: Sendable, Codable, Hashable {
    public typealias Status = IncidentStatus

    /// Where an open incident stands.
    public enum Phase: String, Sendable, Codable {
        /// Seen; the next remediation waits for its back-off or for the stack lock.
        case waiting
        /// A fix was applied; the symptom must stay away for the verification window.
        case verifying
        case closed
    }

    public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
        case minor, major, critical

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    public struct Event: Sendable, Codable, Hashable {
        public enum Kind: String, Sendable, Codable {
            case detected, changed, waiting, approved, action, failed, verifying, returned, resolved
        }

        public var time: Double
        public var kind: Kind
        public var text: String

        public init(time: Double, kind: Kind, text: String) {
            self.time = time
            self.kind = kind
            self.text = text
        }
    }

    public var id: Int
    public var stack: StackID
    public var resource: String
    public var resourceType: String
    public var symptom: Symptom.Kind
    public var severity: Severity
    public var status: Status
    public var phase: Phase
    /// One line: what is wrong, in words.
    public var summary: String
    public var openedAt: Double
    public var closedAt: Double?
    /// The replicas concerned, as last seen.
    public var affected: [Int]
    /// A crash whose replicas were stopped from outside, as last seen: restarted without the
    /// CrashLoopBackOff count (nil for other symptoms).
    public var stoppedFromOutside: Bool?
    /// Remediations applied so far.
    public var attempts: Int
    /// The remediation this incident calls for.
    public var action: RemediationAction
    public var verifyingSince: Double?
    /// For a slow query: the statement, its timings before, and the proposed index.
    public var slowQuery: SlowQuery?
    /// For a vulnerable version: the advisories, the fix, and the blueprint edit once made.
    public var vulnerability: Vulnerability?
    /// For a burning error budget: the burn-rate alerts firing, as last seen (`availability
    /// fast burn`); the rates themselves move with every reading.
    public var burning: [String]?
    /// Who approved the proposed remediation (`dharma incident ID --approve`).
    public var approvedBy: String?
    /// The likely root causes, most likely first (the resource itself when nothing upstream is
    /// implicated).
    public var suspects: [String]
    public var timeline: [Event]

    public init(id: Int = 0, stack: StackID, symptom: Symptom, action: RemediationAction, openedAt: Double) {
        self.id = id
        self.stack = stack
        resource = symptom.resource
        resourceType = symptom.resourceType
        self.symptom = symptom.kind
        severity = symptom.severity
        status = .open
        phase = .waiting
        summary = symptom.summary
        affected = symptom.affected
        stoppedFromOutside = symptom.kind == .crash ? symptom.stoppedFromOutside : nil
        slowQuery = symptom.slowQuery
        vulnerability = symptom.vulnerability
        burning = symptom.kind == .sloBurn ? symptom.burnAlerts.map(\.name) : nil
        self.openedAt = openedAt
        attempts = 0
        self.action = action
        suspects = [symptom.resource]
        timeline = [Event(time: openedAt, kind: .detected, text: symptom.evidence)]
    }

    public var isOpen: Bool { status == .open }

    /// Seconds from opening to resolution (or to `now` while open).
    public func duration(now: Double) -> Double {
        (closedAt ?? now) - openedAt
    }

    /// A person approved the proposed remediation; the loop applies it on its next tick.
    public mutating func approve(by name: String, at time: Double) {
        approvedBy = name
        note(.approved, "approved by \(name)", at: time)
    }

    mutating func note(_ kind: Event.Kind, _ text: String, at time: Double) {
        timeline.append(Event(time: time, kind: kind, text: text))
    }

    /// Notes `text` unless it is already the latest entry, so a waiting incident does not
    /// grow by one line per tick.
    mutating func noteOnce(_ kind: Event.Kind, _ text: String, at time: Double) {
        guard timeline.last?.text != text else { return }
        note(kind, text, at: time)
    }
}
