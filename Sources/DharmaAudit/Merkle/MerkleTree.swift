/// Roots and proofs of RFC 9162 §2.1, computed from stored complete-subtree hashes.
public struct MerkleTree<Nodes: MerkleNodes> {
    public let nodes: Nodes

    public init(_ nodes: Nodes) {
        self.nodes = nodes
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case beyondTree(requested: UInt64, size: UInt64)
        case invalidRange(String)
        case missingNode(level: Int, index: UInt64)

        public var description: String {
            switch self {
            case .beyondTree(let requested, let size): return "the log has \(size) entries; \(requested) is beyond it"
            case .invalidRange(let why): return why
            case .missingNode(let level, let index): return "the stored tree lacks node \(index) at level \(level); the store is damaged"
            }
        }
    }

    /// MTH(D[0:size]).
    public func root(size: UInt64) throws -> MerkleHash {
        guard size <= nodes.size else { throw Failure.beyondTree(requested: size, size: nodes.size) }
        return size == 0 ? MerkleHasher.emptyRoot : try subtree(start: 0, size: size)
    }

    /// PATH(index, D[0:size]): the audit path proving leaf `index` is in the tree of `size`.
    public func inclusionProof(index: UInt64, size: UInt64) throws -> [MerkleHash] {
        guard size <= nodes.size else { throw Failure.beyondTree(requested: size, size: nodes.size) }
        guard index < size else { throw Failure.invalidRange("entry \(index) is not in a tree of \(size) entries") }
        var proof: [MerkleHash] = []
        try path(index: index, start: 0, size: size, into: &proof)
        return proof
    }

    /// PROOF(old, D[0:new]): proves the tree of `new` entries extends the tree of `old`.
    public func consistencyProof(old: UInt64, new: UInt64) throws -> [MerkleHash] {
        guard new <= nodes.size else { throw Failure.beyondTree(requested: new, size: nodes.size) }
        guard old <= new else { throw Failure.invalidRange("the old size \(old) is larger than the new size \(new)") }
        guard old > 0 else { throw Failure.invalidRange("there is no consistency proof from the empty tree") }
        var proof: [MerkleHash] = []
        try subproof(old: old, start: 0, size: new, complete: true, into: &proof)
        return proof
    }

    /// MTH of leaves `start ..< start+size`. In RFC 9162's recursion every left part is a
    /// complete aligned subtree, so each step reads one stored node.
    func subtree(start: UInt64, size: UInt64) throws -> MerkleHash {
        if size & (size - 1) == 0 {
            let level = size.trailingZeroBitCount
            let index = start >> level
            guard let hash = try nodes.node(level: level, index: index) else { throw Failure.missingNode(level: level, index: index) }
            return hash
        }
        let split = MerkleHasher.split(size)
        return MerkleHasher.node(try subtree(start: start, size: split), try subtree(start: start + split, size: size - split))
    }

    private func path(index: UInt64, start: UInt64, size: UInt64, into proof: inout [MerkleHash]) throws {
        guard size > 1 else { return }
        let split = MerkleHasher.split(size)
        if index < split {
            try path(index: index, start: start, size: split, into: &proof)
            proof.append(try subtree(start: start + split, size: size - split))
        } else {
            try path(index: index - split, start: start + split, size: size - split, into: &proof)
            proof.append(try subtree(start: start, size: split))
        }
    }

    private func subproof(old: UInt64, start: UInt64, size: UInt64, complete: Bool, into proof: inout [MerkleHash]) throws {
        if old == size {
            if !complete { proof.append(try subtree(start: start, size: size)) }
            return
        }
        let split = MerkleHasher.split(size)
        if old <= split {
            try subproof(old: old, start: start, size: split, complete: complete, into: &proof)
            proof.append(try subtree(start: start + split, size: size - split))
        } else {
            try subproof(old: old - split, start: start + split, size: size - split, complete: false, into: &proof)
            proof.append(try subtree(start: start, size: split))
        }
    }
}
