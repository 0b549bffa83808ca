import DharmaAudit
import DharmaTestKit
import Foundation
import Testing

/// The public vectors in shared/data/merkle-vectors (transparency-dev/merkle, Apache-2.0).
let vectorDirectory = TestPaths.sharedData + "/merkle-vectors"

func loadJSON(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: "\(vectorDirectory)/\(name)"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

func hash(_ value: Any?) throws -> MerkleHash {
    let text = try #require(value as? String)
    return try #require(MerkleHash(hex: text))
}

func hashes(_ value: Any?) throws -> [MerkleHash] {
    guard let list = value as? [String] else { return [] }  // JSON null is the empty proof
    return try list.map { try hash($0) }
}

/// A tree of the vectors' leaf inputs, as stored hashes.
func tree(_ inputs: [String]) throws -> MerkleTree<InMemoryMerkleNodes> {
    var nodes = InMemoryMerkleNodes()
    for input in inputs { nodes.append(leafHash: MerkleHasher.leaf(try #require(MerkleHash(hex: input)))) }
    return MerkleTree(nodes)
}

@Suite("Merkle tree against RFC 6962 / RFC 9162 vectors")
struct MerkleVectorTests {
    @Test("leaf hashes, every complete subtree and the roots of sizes 0 to 8")
    func published() throws {
        let vectors = try loadJSON("rfc6962_vectors.json")
        let inputs = try #require(vectors["leaf_inputs"] as? [String])
        let leafHashes = try hashes(vectors["leaf_hashes"])
        #expect(inputs.map { MerkleHasher.leaf(MerkleHash(hex: $0)!) } == leafHashes)
        let merkle = try tree(inputs)
        for (level, expected) in (try #require(vectors["node_hashes_by_level"] as? [[String]])).enumerated() {
            for (index, hex) in expected.enumerated() {
                #expect(merkle.nodes.node(level: level, index: UInt64(index)) == MerkleHash(hex: hex), "node \(level)/\(index)")
            }
        }
        #expect(try hash(vectors["empty_root"]) == MerkleHasher.emptyRoot)
        for entry in try #require(vectors["roots_by_tree_size"] as? [[String: Any]]) {
            let size = try #require(entry["tree_size"] as? Int)
            #expect(try merkle.root(size: UInt64(size)) == (try hash(entry["root"])), "root of \(size)")
        }
    }

    @Test("the published and all derived proofs are produced exactly and verify")
    func proofs() throws {
        for file in ["rfc6962_vectors.json", "derived_all_proofs_8leaf.json"] {
            let vectors = try loadJSON(file)
            let merkle = try tree(try #require(vectors["leaf_inputs"] as? [String]))
            let inclusions = try #require(vectors["inclusion_proofs"] as? [[String: Any]])
            let consistencies = try #require(vectors["consistency_proofs"] as? [[String: Any]])
            #expect(file != "derived_all_proofs_8leaf.json" || (inclusions.count == 36 && consistencies.count == 36))
            for entry in inclusions {
                let index = UInt64(try #require(entry["leaf_index"] as? Int)), size = UInt64(try #require(entry["tree_size"] as? Int))
                let proof = try hashes(entry["proof"])
                #expect(try merkle.inclusionProof(index: index, size: size) == proof, "\(file) inclusion \(index)/\(size)")
                #expect(throws: Never.self) {
                    try MerkleVerifier.verifyInclusion(
                        leafHash: try hash(entry["leaf_hash"]), index: index, size: size,
                        proof: proof, root: try hash(entry["root"]))
                }
            }
            for entry in consistencies {
                let old = UInt64(try #require(entry["size1"] as? Int)), new = UInt64(try #require(entry["size2"] as? Int))
                let proof = try hashes(entry["proof"])
                #expect(try merkle.consistencyProof(old: old, new: new) == proof, "\(file) consistency \(old)→\(new)")
                #expect(throws: Never.self) {
                    try MerkleVerifier.verifyConsistency(
                        old: old, new: new, oldRoot: try hash(entry["root1"]),
                        newRoot: try hash(entry["root2"]), proof: proof)
                }
            }
        }
    }

    @Test("all 196 upstream probes: the 12 valid ones verify, the 184 others are rejected")
    func probes() throws {
        let probes = try loadJSON("probes_hex.json")
        var accepted = 0, rejected = 0, disagreements: [String] = []
        for probe in try #require(probes["inclusion"] as? [[String: Any]]) {
            let wantError = try #require(probe["wantErr"] as? Bool)
            let outcome: Bool
            if let index = probe["leafIdx"] as? Int, let size = probe["treeSize"] as? Int, index >= 0, size >= 0 {
                outcome =
                    (try? MerkleVerifier.verifyInclusion(
                        leafHash: MerkleHash(hex: probe["leafHash"] as? String ?? "") ?? [],
                        index: UInt64(index), size: UInt64(size), proof: try hashes(probe["proof"]),
                        root: MerkleHash(hex: probe["root"] as? String ?? "") ?? [])) != nil
            } else {
                outcome = false
            }
            outcome ? (accepted += 1) : (rejected += 1)
            if outcome == wantError { disagreements.append(probe["file"] as? String ?? "?") }
        }
        for probe in try #require(probes["consistency"] as? [[String: Any]]) {
            let wantError = try #require(probe["wantErr"] as? Bool)
            let old = probe["size1"] as? Int ?? -1, new = probe["size2"] as? Int ?? -1
            let outcome =
                old >= 0 && new >= 0
                && (try? MerkleVerifier.verifyConsistency(
                    old: UInt64(old), new: UInt64(new), oldRoot: MerkleHash(hex: probe["root1"] as? String ?? "") ?? [],
                    newRoot: MerkleHash(hex: probe["root2"] as? String ?? "") ?? [], proof: try hashes(probe["proof"]))) != nil
            outcome ? (accepted += 1) : (rejected += 1)
            if outcome == wantError { disagreements.append(probe["file"] as? String ?? "?") }
        }
        #expect(disagreements.isEmpty, "verifier disagrees with upstream on: \(disagreements)")
        #expect(accepted == 12 && rejected == 184)
    }

    @Test("proofs from a larger tree verify for every entry and every pair of sizes")
    func largerTree() throws {
        var nodes = InMemoryMerkleNodes()
        for index in 0..<300 { nodes.append(leafHash: MerkleHasher.leaf(Array("entry \(index)".utf8))) }
        let merkle = MerkleTree(nodes)
        for size in stride(from: UInt64(1), through: 300, by: 37) {
            let root = try merkle.root(size: size)
            for index in stride(from: UInt64(0), to: size, by: 7) {
                let proof = try merkle.inclusionProof(index: index, size: size)
                try MerkleVerifier.verifyInclusion(
                    leafHash: try #require(nodes.node(level: 0, index: index)), index: index,
                    size: size, proof: proof, root: root)
                // One flipped bit anywhere must be caught.
                if var tampered = proof.first {
                    tampered[0] ^= 1
                    #expect(throws: MerkleVerifier.Failure.self) {
                        try MerkleVerifier.verifyInclusion(
                            leafHash: nodes.node(level: 0, index: index)!, index: index, size: size,
                            proof: [tampered] + proof.dropFirst(), root: root)
                    }
                }
            }
            for old in stride(from: UInt64(1), through: size, by: 11) {
                try MerkleVerifier.verifyConsistency(
                    old: old, new: size, oldRoot: try merkle.root(size: old), newRoot: root,
                    proof: try merkle.consistencyProof(old: old, new: size))
            }
        }
        #expect(throws: MerkleTree<InMemoryMerkleNodes>.Failure.self) { try merkle.inclusionProof(index: 300, size: 300) }
        #expect(throws: MerkleTree<InMemoryMerkleNodes>.Failure.self) { try merkle.root(size: 301) }
        #expect(throws: MerkleTree<InMemoryMerkleNodes>.Failure.self) { try merkle.consistencyProof(old: 0, new: 5) }
    }
}
