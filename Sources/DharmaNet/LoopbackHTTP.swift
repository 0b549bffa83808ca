#if canImport(Glibc)
    import Glibc
#endif

/// A one-shot HTTP/1.1 GET on loopback, for the runtime's own endpoints (the proxy's
/// /status). Bodies are capped at 1 MiB.
public enum LoopbackHTTP {
    public static func get(port: Int, path: String, timeout: Double) -> (status: Int, body: String)? {
        guard let socket = LoopbackSocket.connect(port: port, timeout: timeout) else { return nil }
        defer { close(socket) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nUser-Agent: dharma\r\n\r\n"
        guard LoopbackSocket.sendAll(socket, request.utf8) else { return nil }
        var response: [UInt8] = []
        while response.count < 1 << 20, let chunk = LoopbackSocket.receive(socket) { response += chunk }
        guard let split = response.firstRange(of: [13, 10, 13, 10]) else { return nil }
        let statusLine = String(decoding: response[..<split.lowerBound], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else { return nil }
        return (status, String(decoding: response[split.upperBound...], as: UTF8.self))
    }
}

extension LoopbackHTTP {
    /// A POST with an empty body; the status, or nil when nothing answered.
    public static func post(port: Int, path: String, timeout: Double = 2) -> Int? {
        guard let socket = LoopbackSocket.connect(port: port, timeout: timeout) else { return nil }
        defer { close(socket) }
        let request = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        guard LoopbackSocket.sendAll(socket, request.utf8), let head = LoopbackSocket.receive(socket, limit: 64) else { return nil }
        let parts = String(decoding: head, as: UTF8.self).split(separator: " ")
        return parts.count >= 2 ? Int(parts[1]) : nil
    }
}
