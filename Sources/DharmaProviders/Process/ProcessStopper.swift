import Foundation

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
        if await exits(pid, startTicks, within: grace) {
            await awaitTeardown(pid, startTicks)
            return
        }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        _ = await exits(pid, startTicks, within: 2)
        await awaitTeardown(pid, startTicks)
    }

    /// Whether `pid` is still the live process we started (not a zombie, not a reused pid).
    static func isSame(_ pid: Int32, _ startTicks: UInt64?) -> Bool {
        guard let info = ProcessTable.info(pid), !info.isZombie else { return false }
        return startTicks.map { $0 == info.startTicks } ?? true
    }

    private static func exits(_ pid: Int32, _ startTicks: UInt64?, within seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            ProcessTable.reapExitedChildren()
            guard isSame(pid, startTicks) else { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// The main thread of a multi-threaded program shows as exited (a zombie) while its other
    /// threads are still tearing down with its sockets open; a port is only free once they are
    /// gone too. At most a second.
    private static func awaitTeardown(_ pid: Int32, _ startTicks: UInt64?) async {
        for _ in 0..<100 {
            ProcessTable.reapExitedChildren()
            guard let info = ProcessTable.info(pid), info.isZombie, startTicks.map({ $0 == info.startTicks }) ?? true,
                let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"), threads.count > 1
            else { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
