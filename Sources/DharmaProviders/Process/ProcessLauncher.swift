import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a program as the leader of a new session, so it outlives the `dharma` command that
/// started it and is not hit by the terminal's Ctrl-C; its output goes to a log file.
public enum ProcessLauncher {
    public struct LaunchError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func launch(
        executable: String, arguments: [String], environment: [String: String],
        workingDirectory: String, logPath: String
    ) throws(LaunchError) -> Int32 {
        guard let addChdir = addChdir else {
            throw LaunchError(description: "this C library cannot set a working directory for new processes (glibc 2.29 or later needed)")
        }
        let pid = try Spawn.start(executable, arguments, environment: environment, newSession: true) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            _ = addChdir(&actions, workingDirectory)
        }.mapError { LaunchError(description: $0.description) }.get()
        LaunchedChildren.shared.add(pid)
        return pid
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// `posix_spawn_file_actions_addchdir_np` is GNU-only and hidden from Swift's Glibc module;
    /// it has been in glibc since 2.29, so look it up at run time.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    /// Finds a program the way a shell would: a path with `/` is taken relative to `base`,
    /// a bare name is looked up in PATH.
    public static func resolveExecutable(_ name: String, base: String) -> String? {
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : (base as NSString).appendingPathComponent(name)
            return access(path, X_OK) == 0 ? path : nil
        }
        let searchPath = ProcessInfoEnvironment.value("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// The environment of this process.
enum ProcessInfoEnvironment {
    static func value(_ key: String) -> String? {
        getenv(key).map { String(cString: $0) }
    }

    static var all: [String: String] {
        Foundation.ProcessInfo.processInfo.environment
    }
}
