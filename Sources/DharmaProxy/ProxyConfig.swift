import Foundation

/// What the proxy routes to, as the local runtime writes it (JSON, replaced atomically). The
/// proxy re-reads the file when it changes, so backends are added, drained and removed
/// without a restart.
public struct ProxyConfig: Codable, Sendable, Hashable {
    public struct Backend: Codable, Sendable, Hashable {
        public var port: Int
        /// The replica index, for status and metrics; nil for a backup outside the service.
        public var replica: Int?
        /// Used only while no primary backend is healthy.
        public var backup: Bool
        /// Gets no new requests; requests in flight finish.
        public var draining: Bool

        public init(port: Int, replica: Int? = nil, backup: Bool = false, draining: Bool = false) {
            self.port = port
            self.replica = replica
            self.backup = backup
            self.draining = draining
        }
    }

    /// Increases with every write, so a writer can tell when the proxy has loaded its change.
    public var generation: Int
    public var backends: [Backend]
    /// GET this on every backend every `healthInterval` seconds; nil checks that the port
    /// accepts connections.
    public var healthPath: String?
    public var healthInterval: Double
    /// Added to every request: latency injection for chaos experiments.
    public var latencyMilliseconds: Int
    /// The service's latency objective in seconds: the latency histogram gets buckets around
    /// it, so the share of requests within it is counted, not guessed between buckets.
    public var latencyObjective: Double?

    public init(
        generation: Int, backends: [Backend], healthPath: String?, healthInterval: Double = 1, latencyMilliseconds: Int = 0,
        latencyObjective: Double? = nil
    ) {
        self.generation = generation
        self.backends = backends
        self.healthPath = healthPath
        self.healthInterval = healthInterval
        self.latencyMilliseconds = latencyMilliseconds
        self.latencyObjective = latencyObjective
    }

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(_ path: String) throws(LoadError) -> ProxyConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "cannot read the backends file \(path)")
        }
        do {
            return try JSONDecoder().decode(ProxyConfig.self, from: data)
        } catch {
            throw LoadError(description: "the backends file \(path) is not valid: \(error)")
        }
    }

    /// Writes to a temporary file and renames it over `path`, so the proxy never reads half.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let temporary = path + ".tmp-\(getpid())"
        try encoder.encode(self).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}

/// What the proxy reports on its admin port (`GET /status`).
public struct ProxyStatus: Codable, Sendable, Hashable {
    public struct Backend: Codable, Sendable, Hashable {
        public var port: Int
        public var replica: Int?
        public var backup: Bool
        public var draining: Bool
        public var healthy: Bool
        public var inFlight: Int
        public var requests: Int
        public var failures: Int
    }

    public var generation: Int
    public var backends: [Backend]
    public var requests: Int
    /// Requests answered with a 5xx, by a backend or by the proxy when no backend could serve.
    public var failures: Int
}
