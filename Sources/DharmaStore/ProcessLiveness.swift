#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether a process exists on this host (signal 0 probes without sending anything).
enum ProcessLiveness {
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension LockHolder {
    /// The current process, about to run `operation`.
    public static func current(_ operation: String) -> LockHolder {
        LockHolder(pid: getpid(), host: ProcessLiveness.hostName, operation: operation, since: Timestamp.now())
    }
}
