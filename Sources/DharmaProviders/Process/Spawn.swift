#if canImport(Glibc)
    import Glibc
#endif

/// `posix_spawn` as every program Dharma starts gets it: signals unblocked and at their
/// defaults, and no descriptor of ours past the three standard ones — not the state database,
/// not the pipes or the exit-watching socket of whoever ran `dharma` (a caller waiting for our
/// output or our exit would wait as long as the child lives).
enum Spawn {
    /// Starts `executable`; `streams` sets up descriptors 0–2 (and may add a working directory).
    /// Returns the pid, or the `errno` posix_spawn reported.
    static func start(
        _ executable: String, _ arguments: [String], environment: [String: String], newSession: Bool,
        streams: (inout posix_spawn_file_actions_t) -> Void
    ) -> Result<pid_t, SpawnFailure> {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16((newSession ? setSID : 0) | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
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
        streams(&actions)
        if let closeFrom = addCloseFrom { _ = closeFrom(&actions, 3) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { return .failure(SpawnFailure(description: "cannot start \(executable): \(String(cString: strerror(status)))")) }
        return .success(pid)
    }

    struct SpawnFailure: Error {
        var description: String
    }

    /// glibc's value; Swift's Glibc module does not export the GNU-only constant.
    private static let setSID: Int32 = 0x80

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// `posix_spawn_file_actions_addclosefrom_np`, glibc 2.34 and later.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
}
