import Foundation

/// Turns SIGINT/SIGTERM into a flag long-running commands poll (`dharma up`, `dharma chaos`),
/// so they stop between steps and never in the middle of recording state or with a fault in place.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var sources: [DispatchSourceSignal] = []

    init() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.set() }
            source.resume()
            sources.append(source)
        }
    }

    var received: Bool { lock.withLock { flag } }

    private func set() {
        lock.withLock { flag = true }
    }
}
