/// One client request as the proxy forwards it: the head rewritten for a one-shot upstream
/// connection, and the body read by its Content-Length.
struct ForwardedRequest {
    var method: String
    var head: [UInt8]
    var body: [UInt8]

    enum ReadError: Error {
        /// The client closed or timed out before a whole request arrived.
        case incomplete
        /// Not HTTP/1.x, or a form the proxy does not forward (chunked request bodies).
        case unsupported(status: Int, reason: String)
    }

    static let maximumHead = 64 * 1024
    static let maximumBody = 16 * 1024 * 1024

    /// Reads from `receive` (which returns nil at end of stream) until the request is complete.
    static func read(_ receive: () -> [UInt8]?) throws(ReadError) -> ForwardedRequest {
        var buffer: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            guard buffer.count < maximumHead, let chunk = receive() else { throw .incomplete }
            buffer += chunk
            headEnd = buffer.firstRange(of: [13, 10, 13, 10])?.upperBound
        }
        guard let headEnd else { throw .incomplete }
        let lines = String(decoding: buffer[..<(headEnd - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            throw .unsupported(status: 400, reason: "not an HTTP/1.x request")
        }
        var length = 0
        var kept: [String] = [lines[0]]
        for line in lines.dropFirst() {
            let name = line.split(separator: ":", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            switch name {
            case "content-length":
                guard let value = Int(line.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? ""),
                    (0...maximumBody).contains(value)
                else {
                    throw .unsupported(status: 400, reason: "a Content-Length that is not a number up to \(maximumBody)")
                }
                length = value
                kept.append(line)
            case "transfer-encoding":
                throw .unsupported(status: 411, reason: "chunked request bodies; send a Content-Length")
            case "connection", "keep-alive", "proxy-connection":
                continue
            default:
                kept.append(line)
            }
        }
        kept.append("Connection: close")
        kept.append("X-Forwarded-For: 127.0.0.1")
        var body = Array(buffer[headEnd...])
        while body.count < length {
            guard let chunk = receive() else { throw .incomplete }
            body += chunk
        }
        return ForwardedRequest(
            method: String(requestLine[0]), head: Array((kept.joined(separator: "\r\n") + "\r\n\r\n").utf8),
            body: Array(body.prefix(length)))
    }

    /// Whether sending it twice is harmless, so it may be retried on another backend after the
    /// first one failed mid-request.
    var isIdempotent: Bool { ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].contains(method) }
}
