import AsyncHTTPClient
import DharmaService
import Foundation
import HTTPTypes
import Logging
import NIOSSL
import NIOWebSocket
import Synchronization
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
                let outcome = try await (sni == nil && profile.server.hasPrefix("https:") ? serverSentEvents : webSocket)(path, sni, continuation, isLast)
                switch outcome {
                case .ended:
                    continuation.finish()
                case .refused:
                    try await explain()
                    throw ServiceError.failed("\(profile.server) refused the stream of \(path)")
                case .failed(let error):
                    try await explain()
                    throw error
                }
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// How a stream's connection ended, for `live` to explain a refusal or a failure.
    private enum StreamOutcome {
        case ended
        /// The server refused the upgrade or closed with a policy violation.
        case refused
        /// The connection failed before any message came.
        case failed(any Error)
    }

    private func webSocket(
        _ path: String, sni: String?, _ continuation: AsyncThrowingStream<LiveMessage, any Error>.Continuation,
        _ isLast: @escaping @Sendable (LiveMessage) -> Bool
    ) async throws -> StreamOutcome {
        let url = profile.server.replacingOccurrences(of: "^http", with: "ws", options: .regularExpression) + path
        // Pings find a connection that died quietly, which would otherwise wait forever for its
        // next message.
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: 1 << 22, additionalHeaders: [.authorization: "Bearer \(profile.token)"], autoPing: .enabled(timePeriod: .seconds(20)),
            sniHostname: sni)
        let received = Mutex(false)
        do {
            let close = try await WebSocketClient.connect(
                url: url, configuration: configuration, tlsConfiguration: url.hasPrefix("wss:") ? tls : nil, logger: Logger(label: "dharma.live")
            ) { inbound, outbound, _ in
                // Tells the server this end has finished its upgrade, so it may close the stream
                // when it ends without the close overtaking the last messages.
                try await outbound.write(.text(#"{"type":"ready"}"#))
                for try await frame in inbound.messages(maxSize: 1 << 22) {
                    guard case .text(let text) = frame, let message = Self.decode(text) else { continue }
                    continuation.yield(message)
                    received.withLock { $0 = true }
                    // The caller has what it wanted: end its stream now, and let the socket's
                    // close handshake finish behind it rather than make the caller wait on it.
                    if isLast(message) { return continuation.finish() }
                }
                // The server ended the stream; a refusal (nothing received) is judged by its close code below.
                if received.withLock({ $0 }) { continuation.finish() }
            }
            return close?.closeCode == .policyViolation ? .refused : .ended
        } catch is WebSocketClientError {
            return .refused
        } catch  where !received.withLock({ $0 }) {
            // Nothing came: the REST call that `explain` makes says why, if the server can.
            return .failed(error)
        }
    }

    /// The same stream as Server-Sent Events; refused when the server answered other than 200.
    private func serverSentEvents(
        _ path: String, sni: String?, _ continuation: AsyncThrowingStream<LiveMessage, any Error>.Continuation,
        _ isLast: @escaping @Sendable (LiveMessage) -> Bool
    ) async throws -> StreamOutcome {
        var request = HTTPClientRequest(url: profile.server + path)
        request.headers.add(name: "Authorization", value: "Bearer \(profile.token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await http.execute(request, timeout: .hours(24))
        guard response.status == .ok else { return .refused }
        var parser = ServerSentEvents()
        for try await buffer in response.body {
            for event in parser.feed(buffer.readableBytesView) {
                let message = LiveMessage(name: event.name, id: event.id.flatMap(Int.init), data: Data(event.data.utf8))
                continuation.yield(message)
                if isLast(message) { return .ended }
            }
        }
        return .ended
    }

    static func decode(_ text: String) -> LiveMessage? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let name = object["event"] as? String,
            let payload = object["data"], let data = try? JSONSerialization.data(withJSONObject: payload, options: [.fragmentsAllowed])
        else { return nil }
        return LiveMessage(name: name, id: object["id"] as? Int, data: data)
    }
}
