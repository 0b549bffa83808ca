import Foundation

/// Steady client traffic (game days, tests): one thread per address, a GET every `pause`
/// seconds, counting the answers that are not 2xx/3xx (including no answer within 5 s).
public final class LoadGenerator: @unchecked Sendable {
    public let ports: [Int]
    public let path: String
    public let pause: Double
    private let lock = NSLock()
    private var running = false
    private var answered = 0
    private var failed = 0
    /// When each failed request was sent (seconds since 1970), for attributing failures.
    private var failureTimes: [Double] = []
    private let finished = DispatchGroup()

    public init(ports: [Int], path: String = "/", pause: Double = 0.05) {
        self.ports = ports
        self.path = path
        self.pause = pause
    }

    public func start() {
        lock.withLock { running = true }
        for port in ports {
            finished.enter()
            Thread.detachNewThread { [self] in
                while lock.withLock({ running }) {
                    let sent = Date().timeIntervalSince1970
                    let ok = ReadinessProbe.httpStatus(port: port, path: path, timeout: 5).map { (200..<400).contains($0) } ?? false
                    lock.withLock {
                        if ok {
                            answered += 1
                        } else {
                            failed += 1
                            failureTimes.append(sent)
                        }
                    }
                    Thread.sleep(forTimeInterval: pause)
                }
                finished.leave()
            }
        }
    }

    /// Requests that failed so far, by the time they were sent.
    public var failures: [Double] { lock.withLock { failureTimes } }

    /// Stops the traffic; returns the requests answered and failed.
    public func stop() -> (answered: Int, failed: Int) {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { (answered, failed) }
    }
}
