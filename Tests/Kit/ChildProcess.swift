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
}
