import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a short-lived program to completion and captures what it printed — the way the local
/// runtime drives `initdb`, `pg_ctl` and `psql`. Output goes through temporary files rather
/// than pipes: `pg_ctl start` leaves a server running that must not inherit a pipe we wait on.
public enum CommandRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String

        public var succeeded: Bool { status == 0 }

        /// The program's complaint, for an error message: standard error, else its output.
        public var complaint: String {
            let text = errors.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? output.trimmingCharacters(in: .whitespacesAndNewlines) : text
        }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Runs `executable` with `arguments`; `environment` is added to this process's own. A
    /// program still running after `timeout` seconds is killed and reported as failed.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        input: String? = nil, timeout: Double = 60
    ) async throws(Failure) -> Result {
        let scratch = NSTemporaryDirectory() + "dharma-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let paths = (input: scratch + ".in", output: scratch + ".out", errors: scratch + ".err")
        defer { for path in [paths.input, paths.output, paths.errors] { unlink(path) } }
        guard FileManager.default.createFile(atPath: paths.input, contents: Data((input ?? "").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "cannot write \(paths.input): \(String(cString: strerror(errno)))")
        }
        // `pg_ctl` leaves a server running for good: nothing of ours may outlive us in it.
        let variables = ProcessInfoEnvironment.all.merging(environment) { _, new in new }
        let pid = try Spawn.start(executable, arguments, environment: variables, newSession: false) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, paths.input, O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, paths.output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, paths.errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }.mapError { Failure(description: $0.description) }.get()
        let name = (executable as NSString).lastPathComponent
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0 && errno != EINTR {
                throw Failure(description: "lost track of \(name): \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw Failure(description: "\(name) did not finish within \(Int(timeout)) s and was stopped")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let read = { (path: String) in String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        // Exit status when it exited, 128 + the signal when a signal ended it, as a shell reports it.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, output: read(paths.output), errors: read(paths.errors))
    }
}
