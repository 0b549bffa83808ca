#if canImport(Glibc)
import Glibc
#endif

/// Stops a service instance the way orchestrators do: SIGTERM to its process group, then
/// SIGKILL if it has not exited within the grace period.
public enum ProcessStopper {
    public static func stop(pid: Int32, startTicks: UInt64?, grace: Double) async {
        guard isSame(pid, startTicks) else { return }
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .milliseconds(Int(grace * 1000))
        while ContinuousClock.now < deadline {
            ProcessTable.reapExitedChildren()
            guard isSame(pid, startTicks) else { return }
            try? await Task.sleep(for: .milliseconds(25))
        }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        for _ in 0..<200 {
            ProcessTable.reapExitedChildren()
            guard isSame(pid, startTicks) else { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Whether `pid` is still the live process we started (not a zombie, not a reused pid).
    static func isSame(_ pid: Int32, _ startTicks: UInt64?) -> Bool {
        guard let info = ProcessTable.info(pid), !info.isZombie else { return false }
        return startTicks.map { $0 == info.startTicks } ?? true
    }
}
