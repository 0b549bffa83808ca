#if canImport(Glibc)
    import Glibc
#endif

/// TCP on 127.0.0.1 with plain file descriptors: what the local runtime's probes, the demo
/// workload and the load-balancing proxy share. Every call that waits has a timeout.
public enum LoopbackSocket {
    public struct ListenError: Error, CustomStringConvertible {
        public var description: String
    }

    /// A listening socket on 127.0.0.1:`port`.
    public static func listen(port: Int, backlog: Int32 = 128) throws(ListenError) -> Int32 {
        guard (1...65_535).contains(port) else { throw ListenError(description: "port \(port) is not between 1 and 65535") }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw ListenError(description: "cannot create a socket: \(String(cString: strerror(errno)))") }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(listener, backlog) == 0 else {
            let reason = String(cString: strerror(errno))
            close(listener)
            throw ListenError(description: "cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        return listener
    }

    /// A connected socket with send and receive timeouts of `timeout` seconds, or nil when
    /// nothing accepts on the port.
    public static func connect(port: Int, timeout: Double) -> Int32? {
        guard (1...65_535).contains(port) else { return nil }
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        setTimeout(socket, seconds: timeout)
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(socket)
            return nil
        }
        return socket
    }

    public static func setTimeout(_ socket: Int32, seconds: Double) {
        var interval = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends every byte; false when the peer went away first.
    @discardableResult
    public static func sendAll(_ socket: Int32, _ bytes: some Collection<UInt8>) -> Bool {
        let message = Array(bytes)
        var sent = 0
        while sent < message.count {
            let count = message[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }

    /// Up to `limit` bytes, or nil at end of stream, on error or timeout.
    public static func receive(_ socket: Int32, limit: Int = 65_536) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = recv(socket, &buffer, limit, 0)
        guard count > 0 else { return nil }
        return Array(buffer[..<count])
    }

    /// 127.0.0.1:`port` as a socket address.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
