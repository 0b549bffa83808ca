import DharmaCore
import Foundation

/// What a local PostgreSQL server's log says about how it last stopped. A postmaster that
/// fails by itself says so (`FATAL`, `PANIC`); one stopped by SIGTERM, SIGINT or SIGQUIT logs
/// the shutdown request; only SIGKILL (a person, or the OOM killer) ends it without a word.
public enum PostgresServerLog {
    /// True when the server was stopped by a signal from outside rather than failing by itself:
    /// like a deleted pod, it is restarted at once instead of with CrashLoopBackOff.
    public static func endedBySignal(_ state: ResourceState) -> Bool {
        guard let path = state.outputs["log"]?.stringValue, let log = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        let lines = log.split(separator: "\n")
        // Only what followed the server's last successful start matters.
        let sinceStart = lines.lastIndex { $0.contains("database system is ready to accept connections") }.map { lines[($0 + 1)...] } ?? lines[...]
        if sinceStart.contains(where: { $0.contains("shutdown request") }) { return true }
        // Clients' FATALs (a wrong password) come from their backends; the postmaster's own are its end.
        let postmaster = state.outputs["pid"]?.intValue.map { "[\($0)] FATAL:" }
        return !sinceStart.contains { $0.contains("PANIC:") || postmaster.map($0.contains) == true }
    }
}
