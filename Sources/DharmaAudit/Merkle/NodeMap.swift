/// Nodes fetched for one computation, keyed by coordinate.
struct NodeMap: MerkleNodes {
    var size: UInt64
    var hashes: [NodeCoordinate: MerkleHash]

    func node(level: Int, index: UInt64) -> MerkleHash? {
        hashes[NodeCoordinate(level: level, index: index)]
    }
}

struct NodeCoordinate: Hashable {
    var level: Int
    var index: UInt64
}

/// Runs a tree computation without data to learn which stored nodes it reads, so they can be
/// fetched from the store in one go before running it for real.
final class NodeRecorder: MerkleNodes {
    let size: UInt64
    private(set) var requested: Set<NodeCoordinate> = []
    private static let placeholder = MerkleHash(repeating: 0, count: 32)

    init(size: UInt64) {
        self.size = size
    }

    func node(level: Int, index: UInt64) -> MerkleHash? {
        requested.insert(NodeCoordinate(level: level, index: index))
        return Self.placeholder
    }
}
