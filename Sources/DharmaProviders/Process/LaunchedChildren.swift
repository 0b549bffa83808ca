import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The service instances this process launched and has not yet reaped, and how the reaped
/// ones ended (kept for the most recent few hundred).
final class LaunchedChildren: @unchecked Sendable {
    static let shared = LaunchedChildren()

    private let lock = NSLock()
    private var pids: Set<Int32> = []
    private var endings: [Int32: Int32] = [:]
    private var order: [Int32] = []

    func add(_ pid: Int32) {
        lock.withLock { _ = pids.insert(pid) }
    }

    func reap() {
        lock.withLock {
            for pid in pids {
                var status: Int32 = 0
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid {
                    endings[pid] = status
                    order.append(pid)
                    if order.count > 512 { endings[order.removeFirst()] = nil }
                }
                if result == pid || (result < 0 && errno == ECHILD) { pids.remove(pid) }
            }
        }
    }

    /// The wait status of a child that was reaped, if it was ours.
    func waitStatus(_ pid: Int32) -> Int32? {
        lock.withLock { endings[pid] }
    }
}
