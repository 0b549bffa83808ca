/// Verification of inclusion and consistency proofs (RFC 9162 §2.1.3.2 and §2.1.4.2), with
/// the edge rules of the reference Go implementation (transparency-dev/merkle): a proof from
/// the empty tree is meaningless, equal sizes need an empty proof and equal roots.
public enum MerkleVerifier {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case indexBeyondSize(index: UInt64, size: UInt64)
        case sizesOutOfOrder(old: UInt64, new: UInt64)
        case emptyOldTree
        case wrongProofLength(expected: Int, got: Int)
        case rootMismatch
        case oldRootMismatch
        case malformedHash(String)

        public var description: String {
            switch self {
            case .indexBeyondSize(let index, let size): return "entry \(index) cannot be in a tree of \(size) entries"
            case .sizesOutOfOrder(let old, let new): return "the old size \(old) is larger than the new size \(new)"
            case .emptyOldTree: return "a consistency proof from the empty tree is meaningless"
            case .wrongProofLength(let expected, let got): return "the proof has \(got) hashes; this position needs \(expected)"
            case .rootMismatch: return "the proof does not lead to the expected root"
            case .oldRootMismatch: return "the proof does not lead to the expected old root"
            case .malformedHash(let what): return "the \(what) is not a SHA-256 hash (32 bytes)"
            }
        }
    }

    public static func verifyInclusion(
        leafHash: MerkleHash, index: UInt64, size: UInt64, proof: [MerkleHash],
        root: MerkleHash
    ) throws(Failure) {
        guard index < size else { throw .indexBeyondSize(index: index, size: size) }
        guard leafHash.count == hashLength else { throw .malformedHash("leaf hash") }
        guard root.count == hashLength else { throw .malformedHash("root") }
        let expected = inclusionLength(index: index, size: size)
        guard proof.count == expected else { throw .wrongProofLength(expected: expected, got: proof.count) }
        var fn = index, sn = size - 1
        var hash = leafHash
        for sibling in proof {
            if fn & 1 == 1 || fn == sn {
                hash = MerkleHasher.node(sibling, hash)
                if fn & 1 == 0 {
                    repeat { fn >>= 1; sn >>= 1 } while fn & 1 == 0 && fn != 0
                }
            } else {
                hash = MerkleHasher.node(hash, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0, hash == root else { throw .rootMismatch }
    }

    public static func verifyConsistency(
        old: UInt64, new: UInt64, oldRoot: MerkleHash, newRoot: MerkleHash,
        proof: [MerkleHash]
    ) throws(Failure) {
        guard old <= new else { throw .sizesOutOfOrder(old: old, new: new) }
        guard old > 0 else { throw .emptyOldTree }
        if old == new {
            guard proof.isEmpty else { throw .wrongProofLength(expected: 0, got: proof.count) }
            guard oldRoot == newRoot else { throw .rootMismatch }
            return
        }
        guard oldRoot.count == hashLength else { throw .malformedHash("old root") }
        guard newRoot.count == hashLength else { throw .malformedHash("new root") }
        let expected = consistencyLength(old: old, new: new)
        guard proof.count == expected else { throw .wrongProofLength(expected: expected, got: proof.count) }
        // When `old` is a power of two, its root is the first node of the path and is implied.
        let path = old & (old - 1) == 0 ? [oldRoot] + proof : proof
        var fn = old - 1, sn = new - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var oldHash = path[0], newHash = path[0]
        for sibling in path.dropFirst() {
            guard sn != 0 else { throw .wrongProofLength(expected: expected, got: proof.count) }
            if fn & 1 == 1 || fn == sn {
                oldHash = MerkleHasher.node(sibling, oldHash)
                newHash = MerkleHasher.node(sibling, newHash)
                if fn & 1 == 0 {
                    repeat { fn >>= 1; sn >>= 1 } while fn & 1 == 0 && fn != 0
                }
            } else {
                newHash = MerkleHasher.node(newHash, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .wrongProofLength(expected: expected, got: proof.count) }
        guard oldHash == oldRoot else { throw .oldRootMismatch }
        guard newHash == newRoot else { throw .rootMismatch }
    }

    static let hashLength = 32

    /// Hashes in the audit path of `index` in a tree of `size`.
    static func inclusionLength(index: UInt64, size: UInt64) -> Int {
        var length = 0
        var start: UInt64 = 0, count = size, position = index
        while count > 1 {
            let split = MerkleHasher.split(count)
            if position - start < split {
                count = split
            } else {
                start += split
                count -= split
            }
            length += 1
        }
        return length
    }

    /// Hashes in the consistency proof from `old` to `new` (0 < old < new).
    static func consistencyLength(old: UInt64, new: UInt64) -> Int {
        var length = 0
        var m = old, n = new, complete = true
        while m != n {
            let split = MerkleHasher.split(n)
            if m <= split {
                n = split
            } else {
                m -= split
                n -= split
                complete = false
            }
            length += 1
        }
        return length + (complete ? 0 : 1)
    }
}
