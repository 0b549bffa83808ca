import DharmaAudit
import DharmaCore
import Foundation

/// Sends incident notices to every channel, one notice at a time and in order (an incident's
/// resolve never overtakes its alert), on a task of its own so that a slow receiver never
/// holds up the control loop. Each delivery is retried with backoff; what still fails is
/// reported through `warn`.
public final class IncidentNotifier: Sendable {
    public let channels: [NotificationChannel]
    private let continuation: AsyncStream<IncidentNotice>.Continuation
    private let worker: Task<Void, Never>

    public init(
        channels: [NotificationChannel], delivery: WebhookPoster = WebhookPoster(),
        warn: @escaping @Sendable (String) -> Void
    ) {
        self.channels = channels
        let (stream, continuation) = AsyncStream.makeStream(of: IncidentNotice.self)
        self.continuation = continuation
        worker = Task {
            for await notice in stream {
                for channel in channels {
                    let request = channel.request(for: notice)
                    let body = Data(request.body.compactJSON.utf8)
                    if case .failed(let attempts, let problem) = await delivery.post(body, to: request.url, headers: request.headers) {
                        warn(
                            "\(channel.name) was not told that incident \(notice.incident.id) \(notice.event.rawValue) "
                                + "(\(attempts) attempt\(attempts == 1 ? "" : "s"), last: \(problem))")
                    }
                }
            }
        }
    }

    public func send(_ notice: IncidentNotice) {
        continuation.yield(notice)
    }

    /// Delivers what is queued, waiting at most `timeout`; for a clean stop.
    public func drain(timeout: Duration = .seconds(10)) async {
        continuation.finish()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [worker] in await worker.value }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
