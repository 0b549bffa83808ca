import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the kernel says about a process, read from /proc. Used to observe services for drift:
/// a recorded pid must still exist, not be a zombie, be the same process (start time), and run
/// the same arguments.
public struct ProcessInfo: Sendable, Hashable {
    public var pid: Int32
    public var arguments: [String]
    /// Start time in clock ticks since boot: with the pid, it identifies a process uniquely.
    public var startTicks: UInt64
    public var state: Character
    /// The session the process belongs to. Dharma starts every replica as a session leader, so
    /// what a replica starts (workers, a backgrounded listener) shares its pid as session.
    public var session: Int32
    /// Resident memory in bytes.
    public var residentBytes: Int
    /// CPU time used so far, user and system, in seconds.
    public var cpuSeconds: Double

    public var isZombie: Bool { state == "Z" || state == "X" }
}

public enum ProcessTable {
    public static func info(_ pid: Int32) -> ProcessInfo? {
        guard pid > 0, let stat = ProcFile.text("/proc/\(pid)/stat") else { return nil }
        // Field 2 (comm) is in parentheses and may contain spaces; fields after it are fixed.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        // fields[3] is field 6 (session).
        guard fields.count > 22, let state = fields[0].first, let session = Int32(fields[3]), let start = UInt64(fields[19]),
            let rssPages = Int(fields[21]), let user = Double(fields[11]), let system = Double(fields[12])
        else { return nil }
        let arguments = (ProcFile.text("/proc/\(pid)/cmdline") ?? "").split(separator: "\0", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
        return ProcessInfo(
            pid: pid, arguments: arguments, startTicks: start, state: state, session: session,
            residentBytes: rssPages * Int(sysconf(Int32(_SC_PAGESIZE))),
            cpuSeconds: (user + system) / Double(max(1, sysconf(Int32(_SC_CLK_TCK)))))
    }

    /// Live processes whose environment carries `KEY=VALUE` — how Dharma finds instances it
    /// started but could not record (the apply was killed between spawn and write).
    public static func processes(withEnvironment key: String, value: String) -> [Int32] {
        processes(withEnvironment: [key: value])
    }

    /// Live processes whose environment carries every one of `entries`.
    public static func processes(withEnvironment entries: [String: String]) -> [Int32] {
        let needles = Set(entries.map { Array("\($0.key)=\($0.value)".utf8) })
        guard let listing = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var found: [Int32] = []
        for entry in listing {
            guard let pid = Int32(entry), pid != getpid(),
                let environment = ProcFile.contents("/proc/\(pid)/environ")
            else { continue }
            let present = Set(environment.split(separator: 0).map(Array.init))
            if needles.isSubset(of: present), let info = info(pid), !info.isZombie { found.append(pid) }
        }
        return found.sorted()
    }

    /// Collects exited instances this process started, so they do not linger as zombies in a
    /// long-running supervisor. Only our own instances: reaping every child (`waitpid(-1)`)
    /// would steal exit statuses that other code in the process is waiting for.
    public static func reapExitedChildren() {
        LaunchedChildren.shared.reap()
    }

    /// How a process this one launched ended, once it has been reaped; nil for processes
    /// launched by someone else (an earlier `dharma`), whose ending is not ours to know.
    public static func ending(of pid: Int32) -> ProcessEnding? {
        guard let status = LaunchedChildren.shared.waitStatus(pid) else { return nil }
        return status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }
}

public enum ProcessEnding: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    /// Ended by a signal someone sends to stop a process (SIGKILL, SIGTERM, SIGINT, SIGHUP),
    /// not by a fault of its own.
    public var wasStopped: Bool {
        if case .signalled(let signal) = self { return [SIGKILL, SIGTERM, SIGINT, SIGHUP].contains(signal) }
        return false
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signalled(let signal): "killed by \(Self.names[signal] ?? "signal \(signal)")"
        }
    }

    private static let names: [Int32: String] = [
        SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGINT: "SIGINT", SIGHUP: "SIGHUP",
        SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE",
    ]
}
