#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The service instances this process launched and has not yet reaped.
final class LaunchedChildren: @unchecked Sendable {
    static let shared = LaunchedChildren()

    private let lock = NSLock()
    private var pids: Set<Int32> = []

    func add(_ pid: Int32) {
        lock.withLock { _ = pids.insert(pid) }
    }

    func reap() {
        lock.withLock {
            for pid in pids {
                var status: Int32 = 0
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid || (result < 0 && errno == ECHILD) { pids.remove(pid) }
            }
        }
    }
}
