/// A fault that is in place, with what it takes to remove it — recorded before it is injected,
/// so that whoever starts next (after a crash, or `dharma chaos halt`) can remove it.
public struct ActiveFault: Sendable, Codable, Hashable {
    public enum Undo: Sendable, Codable, Hashable {
        /// SIGCONT a stopped process, if it is still the one stopped.
        case resume(pid: Int32, startTicks: UInt64)
        /// Delete a file (a proxy's chaos file).
        case deleteFile(String)
        /// Switch a `dharma workload` fault off: POST /fault/NAME?on=0.
        case workloadFault(port: Int, name: String)
    }

    public var id: String
    public var kind: FaultSpec.Kind
    /// The resource faulted (for a region, every service there, comma-separated).
    public var resource: String
    /// What was done, in words.
    public var description: String
    public var injectedAt: Double
    public var undo: [Undo]
}
