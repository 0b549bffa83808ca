/// Kubernetes' CrashLoopBackOff, per key (a resource and symptom): the first restart is
/// immediate, each further one waits twice as long as the one before — 10 s, 20 s, 40 s … —
/// up to 5 minutes, and the count starts over once the resource has run 10 minutes since its
/// last restart without the symptom coming back.
public struct RestartBackoff: Sendable, Hashable {
    public var initial: Double
    public var cap: Double
    public var resetAfter: Double

    struct Entry: Sendable, Hashable {
        var restarts = 0
        var lastRestart: Double?
        /// When the symptom was first seen since the last restart.
        var seenSince: Double?
    }

    fileprivate var entries: [String: Entry] = [:]

    public init(initial: Double = 10, cap: Double = 300, resetAfter: Double = 600) {
        self.initial = initial
        self.cap = cap
        self.resetAfter = resetAfter
    }

    /// Notes that the symptom is present at `now`; returns when the next remediation may run.
    public mutating func observe(_ key: String, at now: Double) -> Double {
        var entry = entries[key] ?? Entry()
        if entry.seenSince == nil {
            if let last = entry.lastRestart, now - last >= resetAfter { entry.restarts = 0 }
            entry.seenSince = now
        }
        entries[key] = entry
        return (entry.seenSince ?? now) + delay(afterRestarts: entry.restarts)
    }

    /// Notes a remediation at `now`.
    public mutating func restarted(_ key: String, at now: Double) {
        var entry = entries[key] ?? Entry()
        entry.restarts += 1
        entry.lastRestart = now
        entry.seenSince = nil
        entries[key] = entry
    }

    public func restarts(_ key: String) -> Int { entries[key]?.restarts ?? 0 }

    /// The wait before the next restart once `restarts` have happened in a row.
    public func delay(afterRestarts restarts: Int) -> Double {
        guard restarts > 0 else { return 0 }
        var delay = initial
        for _ in 1..<restarts where delay < cap { delay *= 2 }
        return min(delay, cap)
    }
}

extension RestartBackoff {
    /// Carries a count over from an incident recorded before Dharma restarted, so a crash loop
    /// does not get a fresh, immediate restart each time the control plane comes back.
    public mutating func resume(_ key: String, restarts: Int, lastRestart: Double) {
        entries[key] = Entry(restarts: restarts, lastRestart: lastRestart, seenSince: nil)
    }
}
