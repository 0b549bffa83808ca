import AsyncHTTPClient
import DharmaService
import Foundation
import HTTPTypes
import Logging
import NIOSSL
import NIOWebSocket
import WSClient

/// One message of a live stream from the server: `{"event": NAME, "id": N, "data": {...}}`
/// per WebSocket text frame.
public struct LiveMessage: Sendable {
    public var name: String
    public var id: Int?
    /// The payload as JSON, to decode into the type `name` says.
    public var data: Data
}

extension RemoteClient {
    /// A live stream from the server: `path` (with its query) on the profile's server, with
    /// the profile's token and CA, over a WebSocket, or as Server-Sent Events when TLS cannot
    /// name the host (an IP address other than loopback: SNI takes names only). The stream
    /// ends when the server ends it, or when `until` says a message was the last one wanted. A
    /// refused stream becomes the `ServiceError` the REST call gives, which `explain` makes.
    public func live(
        _ path: String, until isLast: @escaping @Sendable (LiveMessage) -> Bool = { _ in false },
        explain: @escaping @Sendable () async throws(ServiceError) -> Void
    ) -> AsyncThrowingStream<LiveMessage, any Error> {
        let host = URL(string: profile.server)?.host ?? ""
        let isAddress = host.contains(":") || host.split(separator: ".").allSatisfy { Int($0) != nil }
        let isLoopback = host == "::1" || host.hasPrefix("127.")
        let sni: String? = isAddress ? (isLoopback ? "localhost" : nil) : host
        let (stream, continuation) = AsyncThrowingStream<LiveMessage, any Error>.makeStream()
        let task = Task {
            do {
                let explained = try await (sni == nil && profile.server.hasPrefix("https:") ? serverSentEvents : webSocket)(path, sni, continuation, isLast)
                if !explained {
                    try await explain()
                    throw ServiceError.failed("\(profile.server) refused the stream of \(path)")
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// False when the server refused the upgrade or closed with a policy violation.
    private func webSocket(
        _ path: String, sni: String?, _ continuation: AsyncThrowingStream<LiveMessage, any Error>.Continuation,
        _ isLast: @escaping @Sendable (LiveMessage) -> Bool
    ) async throws -> Bool {
        let url = profile.server.replacingOccurrences(of: "^http", with: "ws", options: .regularExpression) + path
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: 1 << 22, additionalHeaders: [.authorization: "Bearer \(profile.token)"], sniHostname: sni)
        do {
            let close = try await WebSocketClient.connect(
                url: url, configuration: configuration, tlsConfiguration: url.hasPrefix("wss:") ? tls : nil, logger: Logger(label: "dharma.live")
            ) { inbound, _, _ in
                var received = false
                for try await frame in inbound.messages(maxSize: 1 << 22) {
                    guard case .text(let text) = frame, let message = Self.decode(text) else { continue }
                    continuation.yield(message)
                    received = true
                    // The caller has what it wanted: end its stream now, and let the socket's
                    // close handshake finish behind it rather than make the caller wait on it.
                    if isLast(message) { return continuation.finish() }
                }
                // The server ended the stream; a refusal (nothing received) is judged by its close code below.
                if received { continuation.finish() }
            }
            return close?.closeCode != .policyViolation
        } catch is WebSocketClientError {
            return false
        }
    }

    /// The same stream as Server-Sent Events; false when the server answered other than 200.
    private func serverSentEvents(
        _ path: String, sni: String?, _ continuation: AsyncThrowingStream<LiveMessage, any Error>.Continuation,
        _ isLast: @escaping @Sendable (LiveMessage) -> Bool
    ) async throws -> Bool {
        var request = HTTPClientRequest(url: profile.server + path)
        request.headers.add(name: "Authorization", value: "Bearer \(profile.token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await http.execute(request, timeout: .hours(24))
        guard response.status == .ok else { return false }
        var parser = ServerSentEvents()
        for try await buffer in response.body {
            for event in parser.feed(buffer.readableBytesView) {
                let message = LiveMessage(name: event.name, id: event.id.flatMap(Int.init), data: Data(event.data.utf8))
                continuation.yield(message)
                if isLast(message) { return true }
            }
        }
        return true
    }

    static func decode(_ text: String) -> LiveMessage? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let name = object["event"] as? String,
            let payload = object["data"], let data = try? JSONSerialization.data(withJSONObject: payload, options: [.fragmentsAllowed])
        else { return nil }
        return LiveMessage(name: name, id: object["id"] as? Int, data: data)
    }
}
