/// Stored hashes of complete, aligned subtrees: the node at `level` and `index` covers leaves
/// `index·2^level ..< (index+1)·2^level`. Every root and proof of RFC 9162 is a combination of
/// O(log n) of these, so nothing is recomputed from the leaves.
public protocol MerkleNodes {
    /// Number of leaves.
    var size: UInt64 { get }
    /// The stored hash of a complete subtree; nil if that subtree is not complete or not stored.
    func node(level: Int, index: UInt64) throws -> MerkleHash?
}

/// Complete-subtree hashes kept in memory, updated as leaves are appended. Each level is one
/// contiguous buffer of 32-byte hashes: a million-entry log is two allocations per level, not
/// two million small arrays.
public struct InMemoryMerkleNodes: MerkleNodes, Sendable {
    private static let width = 32
    /// levels[l] holds the nodes of level l back to back.
    private var levels: [[UInt8]] = [[]]

    public init() {}

    public init(leafHashes: [MerkleHash]) {
        for hash in leafHashes { append(leafHash: hash) }
    }

    public var size: UInt64 { UInt64(levels[0].count / Self.width) }

    public func node(level: Int, index: UInt64) -> MerkleHash? {
        guard level >= 0, level < levels.count, index < UInt64(levels[level].count / Self.width) else { return nil }
        let start = Int(index) * Self.width
        return Array(levels[level][start..<start + Self.width])
    }

    /// Adds a leaf (a 32-byte hash; other lengths are padded or cut, never trapped on) and every
    /// subtree it completes.
    public mutating func append(leafHash: MerkleHash) {
        levels[0] += leafHash.prefix(Self.width) + [UInt8](repeating: 0, count: max(0, Self.width - leafHash.count))
        var level = 0
        while (levels[level].count / Self.width) % 2 == 0 {
            let end = levels[level].count
            let parent = MerkleHasher.node(levels[level][(end - 2 * Self.width)..<(end - Self.width)], levels[level][(end - Self.width)..<end])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1] += parent
            level += 1
        }
    }
}
