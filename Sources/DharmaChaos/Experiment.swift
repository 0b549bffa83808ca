import DharmaAutopilot
import DharmaCore

/// A chaos experiment: the steady state the stack should keep (probes), the faults to inject
/// (the method), when to give up (abort), and what to do if the steady state does not come
/// back (rollback). The shape follows the Chaos Toolkit's.
public struct Experiment: Sendable {
    public var name: String
    public var path: String
    /// The stack under test, as an absolute blueprint path.
    public var blueprint: String
    public var probes: [Probe]
    public var method: [FaultSpec]
    /// Probe names: the experiment stops, and removes its faults, when one fails during the method.
    public var abort: [String]
    public var probeInterval: Double
    /// How long after the faults are removed the steady state may take to return.
    public var settle: Double
    /// Re-apply the blueprint when the steady state has not returned after `settle`.
    public var rollback: Bool
}

/// A check of the steady state, with its tolerance.
public struct Probe: Sendable, Hashable, Codable {
    public enum Check: Sendable, Hashable, Codable {
        /// GET `path` through the resource's address: the status must be `status`, within `within` seconds.
        case http(resource: String, path: String, status: Int, within: Double)
        /// `dharma health` at least `min`.
        case health(min: Int)
    }

    public var name: String
    public var check: Check
}

/// One fault of the method.
public struct FaultSpec: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// SIGKILL a replica: chaos monkey.
        case kill
        /// Add latency to every request through the service's proxy.
        case latency
        /// Burn CPU in the replica.
        case cpu
        /// Make the replica's memory grow.
        case memory
        /// Make the replica stop answering while its process lives.
        case hang
        /// Hold many connections open to the service.
        case connections
        /// Freeze every workload in a region (SIGSTOP), as if it were cut off.
        case region
        /// Fill a storage.volume to its quota: writes fail with "no space left on device".
        case disk
    }

    public enum ReplicaChoice: Sendable, Hashable, Codable {
        case index(Int)
        case random
        case all
    }

    public var kind: Kind
    /// A resource name, or nil for a random service (with `region`, every service there).
    public var resource: String?
    public var replica: ReplicaChoice
    /// How long the fault stays before it is removed (for a kill, how long to watch).
    public var duration: Double
    /// For `latency`: seconds added to each request.
    public var latency: Double
    /// For `connections`: how many to hold.
    public var count: Int
    public var region: String?
    public var location: SourceLocation?

    public init(
        kind: Kind, resource: String?, replica: ReplicaChoice = .random, duration: Double, latency: Double = 0.2,
        count: Int = 100, region: String? = nil, location: SourceLocation? = nil
    ) {
        self.kind = kind
        self.resource = resource
        self.replica = replica
        self.duration = duration
        self.latency = latency
        self.count = count
        self.region = region
        self.location = location
    }
}
