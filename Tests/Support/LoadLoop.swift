import DharmaNet
import Foundation

/// Requests through a port on a thread of its own until stopped, counting answers that are
/// not 200.
public final class LoadLoop: @unchecked Sendable {
    public let port: Int
    private let lock = NSLock()
    private var running = true
    private var answered = 0
    private var failed = 0
    private let done = DispatchSemaphore(value: 0)

    public init(port: Int) {
        self.port = port
    }

    public func start() {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let ok = ReadinessProbe.httpStatus(port: port, path: "/", timeout: 5) == 200
                lock.withLock { if ok { answered += 1 } else { failed += 1 } }
            }
            done.signal()
        }
    }

    public func stop() -> (answered: Int, failed: Int) {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { (answered, failed) }
    }
}
