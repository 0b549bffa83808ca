#if canImport(Glibc)
    import Glibc
#endif

/// Checks whether a service instance is ready: an HTTP GET that answers 2xx/3xx, or a TCP
/// port that accepts connections. Loopback only; a probe never waits longer than its timeout.
public enum ReadinessProbe {
    public static func tcpAccepts(port: Int, timeout: Double = 1) -> Bool {
        guard let socket = LoopbackSocket.connect(port: port, timeout: timeout) else { return false }
        close(socket)
        return true
    }

    /// Whether `port` stops accepting within a second: a program just stopped may keep its
    /// socket open for a moment after its process is reported gone. False means another
    /// program holds the port.
    public static func portFrees(_ port: Int) async -> Bool {
        for _ in 0..<20 {
            if !tcpAccepts(port: port, timeout: 0.2) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// The HTTP status code, or nil when nothing answered.
    public static func httpStatus(port: Int, path: String, timeout: Double = 1) -> Int? {
        LoopbackHTTP.get(port: port, path: path, timeout: timeout)?.status
    }
}
