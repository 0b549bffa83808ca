#if canImport(Glibc)
import Glibc
#endif

/// Checks whether a service instance is ready: an HTTP GET that answers 2xx/3xx, or a TCP
/// port that accepts connections. Loopback only; a probe never waits longer than its timeout.
public enum ReadinessProbe {
    public static func tcpAccepts(port: Int, timeout: Double = 1) -> Bool {
        guard let socket = connect(port: port, timeout: timeout) else { return false }
        close(socket)
        return true
    }

    /// The HTTP status code, or nil when nothing answered.
    public static func httpStatus(port: Int, path: String, timeout: Double = 1) -> Int? {
        guard let socket = connect(port: port, timeout: timeout) else { return nil }
        defer { close(socket) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nUser-Agent: dharma-probe\r\n\r\n"
        let sent = request.utf8CString.withUnsafeBufferPointer { send(socket, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        guard sent > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 512)
        var received = 0
        while received < 16 {
            let count = buffer.withUnsafeMutableBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return -1 }
                return recv(socket, base + received, bytes.count - received, 0)
            }
            if count <= 0 { break }
            received += count
            if buffer[..<received].contains(UInt8(ascii: "\n")) { break }
        }
        let line = String(decoding: buffer[..<received], as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }

    private static func connect(port: Int, timeout: Double) -> Int32? {
        guard (1...65_535).contains(port) else { return nil }
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(socket)
            return nil
        }
        return socket
    }
}
