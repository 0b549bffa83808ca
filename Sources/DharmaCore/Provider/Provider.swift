/// A provider realises abstract resources somewhere real: processes and files on this machine,
/// or a cloud account. Every method is idempotent; the engine may call it again after a crash.
public protocol Provider: Sendable {
    var name: ProviderName { get }

    /// Whether `apply` can run for this type now. Providers that can plan but not yet apply
    /// say why, and the engine refuses the apply before touching anything.
    func applyAvailability(for type: String) -> Availability

    /// Reads what really exists for a recorded resource, and how it differs from what was applied.
    func refresh(_ state: ResourceState, context: ProviderContext) async throws -> Observation

    /// Creates or updates a resource so it matches `inputs`; returns the outputs to record.
    /// `prior` is the recorded state for updates and repairs, nil on create.
    func apply(_ resource: DesiredResource, prior: ResourceState?, context: ProviderContext) async throws -> [String: Value]

    /// Removes a resource. Removing one that is already gone is not an error.
    func delete(_ state: ResourceState, context: ProviderContext) async throws
}

public enum Availability: Sendable, Equatable {
    case available
    case unavailable(String)
}

/// What `refresh` found.
public struct Observation: Sendable, Hashable, Codable {
    public var exists: Bool
    /// Attributes that differ from the recorded inputs: old = recorded, new = observed.
    public var drift: [AttributeDiff]
    /// Fresh outputs (live pids, say); nil keeps the recorded ones.
    public var outputs: [String: Value]?

    public init(exists: Bool, drift: [AttributeDiff] = [], outputs: [String: Value]? = nil) {
        self.exists = exists
        self.drift = drift
        self.outputs = outputs
    }

    public static let missing = Observation(exists: false)
}

/// Where a provider works: relative paths in a blueprint are relative to its directory, and
/// runtime files (logs) go under the state directory.
public struct ProviderContext: Sendable {
    public var stack: StackID
    public var baseDirectory: String
    public var stateDirectory: String

    public init(stack: StackID, baseDirectory: String, stateDirectory: String) {
        self.stack = stack
        self.baseDirectory = baseDirectory
        self.stateDirectory = stateDirectory
    }
}

/// A provider error a person can act on.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    public var resource: String
    public var message: String

    public init(resource: String, _ message: String) {
        self.resource = resource
        self.message = message
    }

    public var description: String { "\(resource): \(message)" }
}

/// A provider that can restart one replica of a service without dropping traffic: take it
/// out of rotation, let its requests finish, restart it, wait until it is healthy, put it
/// back. What the autopilot does with a replica that leaks memory or stops answering.
public protocol ReplicaRestarting: Provider {
    /// Returns the resource's outputs afterwards, to record. Without `drain` the replica is
    /// taken out of rotation but not waited for: a hung replica's requests never finish.
    func restartReplica(_ replica: Int, of state: ResourceState, drain: Bool, context: ProviderContext) async throws -> [String: Value]
}
