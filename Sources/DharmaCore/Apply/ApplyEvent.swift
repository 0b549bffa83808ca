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
