import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Scratch space for tests: every directory and file a test run makes lives under one root,
/// `$TMPDIR/dharma-tests-PID`, removed when the test process exits, so a developer's
/// `swift test` does not leave hundreds of directories behind in /tmp.
public enum Scratch {
    /// A new, empty directory named `prefix-UUID`.
    public static func directory(_ prefix: String) -> String {
        let path = self.path(prefix)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A fresh path named `prefix-UUID` followed by `suffix`, not created.
    public static func path(_ prefix: String, suffix: String = "") -> String {
        "\(root)/\(prefix)-\(UUID().uuidString)\(suffix)"
    }

    /// Made on first use, with its removal at exit registered alongside.
    static let root: String = {
        let root = NSTemporaryDirectory() + "dharma-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { Scratch.remove(Scratch.root) }
        return root
    }()

    /// Removes `path` and what it holds without crossing into another file system: a volume
    /// test that failed half-way may leave a loop-mounted image under the root, and its
    /// mount point is left in place rather than emptied.
    static func remove(_ path: String) {
        var top = stat()
        guard lstat(path, &top) == 0 else { return }
        removeTree(path, device: top.st_dev)
    }

    private static func removeTree(_ path: String, device: dev_t) {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_dev == device else { return }
        if status.st_mode & S_IFMT == S_IFDIR {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                removeTree("\(path)/\(entry)", device: device)
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
