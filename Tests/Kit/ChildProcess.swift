import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Process {
    /// `run()`, with the child starting as a shell would start it: no signal blocked. The test
    /// runner's threads block SIGTERM, and a child inherits its starting thread's mask, so a
    /// helper server started with plain `run()` ignores `terminate()` and outlives the tests.
    public func start() throws {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &unblocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try run()
    }

    /// Kills the program (SIGKILL cannot be blocked or ignored) and waits until it is gone:
    /// every test stops what it started.
    public func stop() {
        guard isRunning else { return }
        kill(processIdentifier, SIGKILL)
        waitUntilExit()
    }

    /// `start()`, then waits for the program to end without holding one of Swift
    /// concurrency's few threads: on two cores a blocked thread stalls every other test's
    /// requests until the servers' idle timeouts close their connections.
    public func startAndWait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            terminationHandler = { _ in continuation.resume() }
            do { try start() } catch {
                terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }
}
