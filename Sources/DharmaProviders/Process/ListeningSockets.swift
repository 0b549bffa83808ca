import Foundation

/// Which sockets listen on a TCP port, as the kernel lists them in /proc/net/tcp and tcp6.
///
/// A readiness check only learns that *something* answers on a port. Matching the listening
/// socket's inode against the descriptors a process holds tells whether it is the process we
/// started or another program that took the port in the meantime.
enum ListeningSockets {
    /// Inodes of every listening socket (any address, IPv4 or IPv6) by port, from one read of
    /// the tables; nil when the system does not publish them (no /proc), so nobody can tell.
    /// Read as bytes: a busy machine lists thousands of connections, and the liveness watch
    /// reads the tables every tick.
    static func byPort() -> [Int: Set<UInt64>]? {
        let tables = ["/proc/net/tcp", "/proc/net/tcp6"].compactMap(ProcFile.contents)
        guard !tables.isEmpty else { return nil }
        var found: [Int: Set<UInt64>] = [:]
        for table in tables {
            for line in [UInt8](table).split(separator: UInt8(ascii: "\n")).dropFirst() {
                if let socket = listening(line) { found[socket.port, default: []].insert(socket.inode) }
            }
        }
        return found
    }

    /// The port and inode of one table row when it is a socket in state LISTEN (0A).
    /// A row reads `sl local_address rem_address st … uid timeout inode`, with the local
    /// address as `HEXADDRESS:HEXPORT`.
    static func listening(_ row: ArraySlice<UInt8>) -> (port: Int, inode: UInt64)? {
        let fields = row.split(separator: UInt8(ascii: " "), maxSplits: 10, omittingEmptySubsequences: true)
        guard fields.count > 9, fields[3].elementsEqual("0A".utf8),
            let colon = fields[1].lastIndex(of: UInt8(ascii: ":")),
            let port = Int(String(decoding: fields[1][(colon + 1)...], as: UTF8.self), radix: 16),
            let inode = UInt64(String(decoding: fields[9], as: UTF8.self))
        else { return nil }
        return (port, inode)
    }

    /// Socket inodes among a process's open descriptors (`socket:[INODE]` links in
    /// /proc/PID/fd). Empty when the process is gone or its descriptors are not ours to read.
    static func socketInodes(of pid: Int32) -> Set<UInt64> {
        let directory = "/proc/\(pid)/fd"
        guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var found: Set<UInt64> = []
        for descriptor in descriptors {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(descriptor)"),
                target.hasPrefix("socket:["), target.hasSuffix("]")
            else { continue }
            if let inode = UInt64(target.dropFirst("socket:[".count).dropLast()) { found.insert(inode) }
        }
        return found
    }
}
