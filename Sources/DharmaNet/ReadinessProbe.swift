#if canImport(Glibc)
import Glibc
#endif

/// Checks whether a service instance is ready: an HTTP GET that answers 2xx/3xx, or a TCP
/// port that accepts connections. Loopback only; a probe never waits longer than its timeout.
public enum ReadinessProbe {
    public static func tcpAccepts(port: Int, timeout: Double = 1) -> Bool {
        guard let socket = LoopbackSocket.connect(port: port, timeout: timeout) else { return false }
        close(socket)
        return true
    }

    /// The HTTP status code, or nil when nothing answered.
    public static func httpStatus(port: Int, path: String, timeout: Double = 1) -> Int? {
        guard let socket = LoopbackSocket.connect(port: port, timeout: timeout) else { return nil }
        defer { close(socket) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nUser-Agent: dharma-probe\r\n\r\n"
        guard LoopbackSocket.sendAll(socket, request.utf8) else { return nil }
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
}
