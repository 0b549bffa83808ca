import DharmaCore

/// Whether the socket listening on a replica's port is the replica's own.
///
/// A check that a port answers learns only that *something* listens there. A program that took
/// the port would answer for a replica that never listened (at start-up) or no longer does
/// (while it runs), and the replica would pass for ready or healthy.
public struct PortOwnership: Sendable {
    /// A replica of a local service: the process Dharma started, and the marker and index that
    /// every process it starts carries in its environment.
    public struct Replica: Sendable, Hashable {
        public var index: Int
        public var pid: Int32
        var marker: String

        public init(service: String, stack: StackID, stateDirectory: String, index: Int, pid: Int32) {
            self.init(marker: ServiceSpec.marker(stack: stack, resource: service, stateDirectory: stateDirectory), index: index, pid: pid)
        }

        init(marker: String, index: Int, pid: Int32) {
            self.marker = marker
            self.index = index
            self.pid = pid
        }
    }

    private let listeners: [Int: Set<UInt64>]?

    /// Reads the kernel's table of listening sockets once, for a round of checks.
    public init() {
        listeners = ListeningSockets.byPort()
    }

    /// Whether a process of `replica` holds a socket listening on `port`: the process Dharma
    /// started, or one it forked or daemonized (so a stranger never counts). False when nothing
    /// listens there; nil on systems without /proc, which cannot tell.
    public func replica(_ replica: Replica, holds port: Int) -> Bool? {
        guard let listeners else { return nil }
        guard let listening = listeners[port], !listening.isEmpty else { return false }
        // The started process usually listens itself; only otherwise are its descendants sought.
        if !ListeningSockets.socketInodes(of: replica.pid).isDisjoint(with: listening) { return true }
        let own = ProcessTable.processes(withEnvironment: [ServiceSpec.markerKey: replica.marker, ServiceSpec.replicaKey: String(replica.index)])
        return own.contains { !ListeningSockets.socketInodes(of: $0).isDisjoint(with: listening) }
    }
}
