/// Progress of an apply, one event per resource step, for the CLI's progress lines.
public struct ApplyEvent: Sendable {
    public enum Phase: Sendable {
        case started
        case succeeded(seconds: Double)
        case failed(String)
    }

    public var resource: String
    public var action: ChangeAction
    public var phase: Phase
}

/// Where the executor records each resource the moment it is done, so that a crash or
/// `kill -9` half-way keeps everything that succeeded.
public protocol StateRecorder: Sendable {
    func record(_ state: ResourceState) async throws
    func remove(_ resource: String) async throws
}

public struct ApplyReport: Sendable {
    public var succeeded: [String] = []
    public var failed: [(resource: String, message: String)] = []
    /// Not started because something failed first.
    public var skipped: [String] = []
    public var outputs: [String: Value] = [:]

    public var ok: Bool { failed.isEmpty && skipped.isEmpty }

    public init() {}
}

extension ApplyEvent: CustomStringConvertible {
    /// The progress line a terminal or a run's log shows: `web: creating…`, `web: created (1.2s)`.
    public var description: String {
        switch phase {
        case .started: "\(resource): \(Self.verb(action, done: false))…"
        case .succeeded(let seconds): "\(resource): \(Self.verb(action, done: true)) (\(String(format: "%.1f", seconds))s)"
        case .failed(let message): "\(resource): failed — \(message)"
        }
    }

    public static func verb(_ action: ChangeAction, done: Bool) -> String {
        switch action {
        case .create: done ? "created" : "creating"
        case .update: done ? "updated" : "updating"
        case .replace: done ? "replaced" : "replacing"
        case .delete: done ? "destroyed" : "destroying"
        case .noop: "unchanged"
        }
    }
}
