import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Free loopback ports, found by letting the kernel pick one (bind to port 0).
///
/// The kernel forgets a port the moment the probe closes, and the program that is to use it
/// binds it a second or more later (a replica starting up). Two `dharma` processes on one
/// machine could be handed the same port in that gap, so each pick is also claimed in a
/// machine-wide directory for `claimLifetime`: long enough for the program to bind it, after
/// which the kernel keeps it from being picked.
public enum PortAllocator {
    static let claimLifetime: TimeInterval = 120

    public static func freePort(avoiding taken: Set<Int> = []) -> Int? {
        for _ in 0..<64 {
            guard let port = kernelPick() else { continue }
            if !taken.contains(port), claim(port) { return port }
        }
        return nil
    }

    private static func kernelPick() -> Int? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        var address = LoopbackSocket.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard named == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Claims `port` unless another process claimed it less than `claimLifetime` ago. A claim
    /// is an empty file created exclusively; a stale one is replaced. When the directory
    /// cannot be used (read-only /tmp), every pick counts as claimed: the kernel's pick alone
    /// is what there was before.
    static func claim(_ port: Int) -> Bool {
        guard let directory = claimDirectory else { return true }
        let path = "\(directory)/\(port)"
        for _ in 0..<2 {
            let file = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o666)
            if file >= 0 {
                close(file)
                return true
            }
            guard errno == EEXIST else { return true }
            var status = stat()
            guard stat(path, &status) == 0 else { continue }
            let age = Date().timeIntervalSince1970 - TimeInterval(status.st_mtim.tv_sec)
            guard age > claimLifetime else { return false }
            unlink(path)
        }
        return false
    }

    /// World-writable and sticky like /tmp, so every user's `dharma` shares it.
    static let claimDirectory: String? = {
        let directory = (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/dharma-ports"
        if mkdir(directory, 0o777) == 0 { chmod(directory, 0o1777) }
        var status = stat()
        guard stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, access(directory, W_OK) == 0 else { return nil }
        return directory
    }()
}
