import DharmaAudit
import DharmaSecurity
import Foundation
import Testing

@Suite("Signed checkpoints")
struct CheckpointTests {
    let signers = [
        try! NoteSigner.generate(name: "dharma.test/log", algorithm: .ed25519),
        try! NoteSigner.generate(name: "dharma.test/log", algorithm: .mldsa65),
    ]

    var checkpoint: Checkpoint {
        var nodes = InMemoryMerkleNodes()
        for index in 0..<5 { nodes.append(leafHash: MerkleHasher.leaf(Array("entry \(index)".utf8))) }
        return Checkpoint(origin: "dharma.test/log", size: 5, root: try! MerkleTree(nodes).root(size: 5))
    }

    @Test("a checkpoint signed with both keys round-trips through the note format and verifies")
    func roundTrip() throws {
        let note = try SignedNote(text: checkpoint.body, signers: signers).serialized
        #expect(note.hasPrefix("dharma.test/log\n5\n"))
        #expect(note.components(separatedBy: "\n— dharma.test/log ").count == 3)
        let policy = CheckpointPolicy(logKeys: signers.map(\.verifier))
        #expect(try policy.verify(note) == checkpoint)
    }

    @Test("a missing, forged or mismatched signature and a wrong root are refused")
    func tampering() throws {
        let policy = CheckpointPolicy(logKeys: signers.map(\.verifier))
        let onlyEd = try SignedNote(text: checkpoint.body, signers: [signers[0]]).serialized
        #expect(throws: CheckpointPolicy.Failure.missingSignature("ML-DSA-65")) { try policy.verify(onlyEd) }

        var wrongRoot = checkpoint
        wrongRoot.root[0] ^= 0xff
        var note = try SignedNote(text: checkpoint.body, signers: signers)
        note.text = wrongRoot.body
        #expect(throws: CheckpointPolicy.Failure.self) { try policy.verify(note.serialized) }

        let impostor = [
            try NoteSigner.generate(name: "dharma.test/log", algorithm: .ed25519),
            try NoteSigner.generate(name: "dharma.test/log", algorithm: .mldsa65),
        ]
        let forged = try SignedNote(text: checkpoint.body, signers: impostor).serialized
        #expect(throws: CheckpointPolicy.Failure.missingSignature("Ed25519")) { try policy.verify(forged) }

        for garbage in ["", "no blank line", "a\n\nnot a signature", "dharma\nx\nroot\n\n— dharma.test/log AAAA\n"] {
            #expect(throws: CheckpointPolicy.Failure.self) { try policy.verify(garbage) }
        }
    }
}
