#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Starts a program as the leader of a new session, so it outlives the `dharma` command that
/// started it and is not hit by the terminal's Ctrl-C; its output goes to a log file.
public enum ProcessLauncher {
    public struct LaunchError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func launch(executable: String, arguments: [String], environment: [String: String],
                              workingDirectory: String, logPath: String) throws(LaunchError) -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(spawnSetSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard let addChdir = addChdir else {
            throw LaunchError(description: "this C library cannot set a working directory for new processes (glibc 2.29 or later needed)")
        }
        _ = addChdir(&actions, workingDirectory)
        // Nothing of ours leaks into a service: not the state database, not the pipes of
        // whoever ran `dharma` (a caller reading our output to EOF would wait forever).
        if let closeFrom = addCloseFrom { _ = closeFrom(&actions, 3) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw LaunchError(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        LaunchedChildren.shared.add(pid)
        return pid
    }

    /// glibc's value; Swift's Glibc module does not export the GNU-only constant.
    private static let spawnSetSID: Int32 = 0x80

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// `posix_spawn_file_actions_addchdir_np` is GNU-only and hidden from Swift's Glibc module;
    /// it has been in glibc since 2.29, so look it up at run time.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// `posix_spawn_file_actions_addclosefrom_np`, glibc 2.34 and later.
    static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
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
