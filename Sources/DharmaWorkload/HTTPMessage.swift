import DharmaNet
import Foundation

/// Just enough HTTP/1.1 for the workload: request line, headers, a bounded body.
struct HTTPRequest {
    var method: String
    var path: String
    var query: [String: String]
    var keepAlive: Bool

    /// The path with ids folded, for metric labels.
    var route: String { path.hasPrefix("/fault/") ? "/fault" : path }

    static func read(from socket: Int32) -> HTTPRequest? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !buffer.containsHeaderEnd {
            let count = recv(socket, &chunk, chunk.count, 0)
            guard count > 0, buffer.count < 64 * 1024 else { return nil }
            buffer += chunk[..<count]
        }
        let head = String(decoding: buffer, as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count == 3 else { return nil }
        let target = String(parts[1])
        let pathAndQuery = target.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if pathAndQuery.count == 2 {
            for pair in pathAndQuery[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                query[String(keyValue[0])] = keyValue.count == 2 ? String(keyValue[1]) : ""
            }
        }
        var keepAlive = parts[2] == "HTTP/1.1"
        for line in lines.dropFirst() where line.lowercased().hasPrefix("connection:") {
            keepAlive = !line.lowercased().contains("close")
        }
        return HTTPRequest(method: String(parts[0]), path: String(pathAndQuery.first ?? "/"), query: query, keepAlive: keepAlive)
    }
}

struct HTTPResponse {
    var status: Int
    var body: String
    var contentType = "text/plain; charset=utf-8"
    var exitAfterSending = false

    func write(to socket: Int32, keepAlive: Bool) {
        let reason = [200: "OK", 404: "Not Found", 400: "Bad Request"][status] ?? "Status"
        let bytes = Array(body.utf8)
        let head =
            "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\n"
            + "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        LoopbackSocket.sendAll(socket, Array(head.utf8) + bytes)
    }
}

private extension [UInt8] {
    var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for index in 0...(count - 4) where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13 && self[index + 3] == 10 {
            return true
        }
        return false
    }
}
