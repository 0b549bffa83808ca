/// Stored hashes of complete, aligned subtrees: the node at `level` and `index` covers leaves
/// `index·2^level ..< (index+1)·2^level`. Every root and proof of RFC 9162 is a combination of
/// O(log n) of these, so nothing is recomputed from the leaves.
public protocol MerkleNodes {
    /// Number of leaves.
    var size: UInt64 { get }
    /// The stored hash of a complete subtree; nil if that subtree is not complete or not stored.
    func node(level: Int, index: UInt64) throws -> MerkleHash?
}

/// Complete-subtree hashes kept in memory, updated as leaves are appended.
public struct InMemoryMerkleNodes: MerkleNodes, Sendable {
    /// levels[l][i] is the node at level l, index i.
    private var levels: [[MerkleHash]] = [[]]

    public init() {}

    public init(leafHashes: [MerkleHash]) {
        for hash in leafHashes { append(leafHash: hash) }
    }

    public var size: UInt64 { UInt64(levels[0].count) }

    public func node(level: Int, index: UInt64) -> MerkleHash? {
        guard level >= 0, level < levels.count, index < UInt64(levels[level].count) else { return nil }
        return levels[level][Int(index)]
    }

    /// Adds a leaf and every subtree it completes.
    public mutating func append(leafHash: MerkleHash) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let parent = MerkleHasher.node(levels[level][count - 2], levels[level][count - 1])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }
}
