/// Whether a WebSocket client has shown it is listening: its first message, or its going
/// away. `wait` returns at whichever comes first, or when the time is up.
final class ClientListening: Sendable {
    private let signal: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (signal, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The client sent a message.
    func heard() {
        continuation.yield()
    }

    /// The client closed the connection.
    func gone() {
        continuation.finish()
    }

    /// Returns once the client was heard from or went away, or after `limit`.
    func wait(upTo limit: Duration) async {
        let signal = signal
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signal { return }
            }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }
}
