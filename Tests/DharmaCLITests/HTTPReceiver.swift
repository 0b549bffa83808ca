import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback HTTP endpoint that records what it is sent, for webhook tests. It answers each
/// request with the next status in `statuses` (then 200).
final class HTTPReceiver: @unchecked Sendable {
    struct Request {
        var head: String
        var body: String

        func header(_ name: String) -> String? {
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
    }

    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var received: [Request] = []
    private var statuses: [Int]

    init(statuses: [Int] = []) throws {
        self.statuses = statuses
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        guard bound == 0, listen(listener, 16) == 0 else { throw HTTPError() }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in self.serve() }
    }

    var requests: [Request] { lock.withLock { received } }

    deinit { close(listener) }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            while true {
                let count = recv(client, &buffer, buffer.count, 0)
                if count <= 0 { break }
                data += buffer[..<count]
                let text = String(decoding: data, as: UTF8.self)
                if let split = text.range(of: "\r\n\r\n") {
                    let head = String(text[..<split.lowerBound])
                    let length = Request(head: head, body: "").header("Content-Length").flatMap(Int.init) ?? 0
                    let body = String(text[split.upperBound...])
                    if body.utf8.count >= length {
                        let status = lock.withLock { () -> Int in
                            received.append(Request(head: head, body: body))
                            return statuses.isEmpty ? 200 : statuses.removeFirst()
                        }
                        let reply = Array("HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
                        _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        break
                    }
                }
            }
            close(client)
        }
    }
}
