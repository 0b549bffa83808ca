import Foundation

/// Faults a chaos experiment puts into a proxy, in a file of their own beside the backends
/// file, so that neither writer overwrites the other and removing the fault is deleting it.
public struct ProxyFaults: Codable, Sendable, Hashable {
    public var latencyMilliseconds: Int

    public init(latencyMilliseconds: Int) {
        self.latencyMilliseconds = latencyMilliseconds
    }

    public static func path(for configPath: String) -> String {
        configPath + ".chaos.json"
    }

    public static func load(_ path: String) -> ProxyFaults? {
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(ProxyFaults.self, from: $0) }
    }

    public func write(to path: String) throws {
        try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
