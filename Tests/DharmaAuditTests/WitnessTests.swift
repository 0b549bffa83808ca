import DharmaAudit
import DharmaSecurity
import Foundation
import Testing

@Suite("Witnesses", .serialized)
struct WitnessTests {
    func witness(_ name: String, directory: String) throws -> Witness {
        Witness(name: name, signers: try KeyDirectory(path: directory + "/keys").signers(named: name), statePath: directory + "/\(name).json")
    }

    @Test("a witness cosigns consistent growth, and N of M cosignatures make a checkpoint final")
    func cosignAndQuorum() async throws {
        let fixture = try await LogFixture(entries: 3)
        let directory = fixture.path + ".witnesses"
        let logKeys = await fixture.log.verifiers
        let one = try witness("w1", directory: directory), two = try witness("w2", directory: directory), three = try witness("w3", directory: directory)
        guard case .cosigned = try await one.witness(fixture.log, logKeys: logKeys) else { Issue.record("w1 did not cosign"); return }
        #expect(try await one.witness(fixture.log, logKeys: logKeys) == .alreadyCosigned)
        _ = try await two.witness(fixture.log, logKeys: logKeys)

        // The log grows; w1 needs and checks a consistency proof from size 3.
        try await fixture.log.append([AuditDraft(actor: "a", action: "apply", stack: "s", reason: "more")])
        guard case .cosigned = try await one.witness(fixture.log, logKeys: logKeys) else { Issue.record("w1 refused growth"); return }

        let policy = AuditVerification.WitnessPolicy(witnesses: [one, two, three].flatMap(\.verifiers), quorum: 2)
        let report = try await fixture.log.verify(witnesses: policy)
        #expect(report.ok)
        let byID = Dictionary(uniqueKeysWithValues: report.witnessing.map { ($0.checkpoint, $0) })
        #expect(byID[3]?.witnesses == ["w1", "w2"] && byID[3]?.final == true)
        #expect(byID[4]?.witnesses == ["w1"] && byID[4]?.final == false)

        // Verifier keys survive their text form.
        for verifier in one.verifiers { #expect(try NoteVerifier(encoded: verifier.encoded) == verifier) }
    }

    @Test("rollbacks, forks, rewritten history and notes the log did not sign are refused, with reasons")
    func refusals() async throws {
        let fixture = try await LogFixture(entries: 4)
        let directory = fixture.path + ".witnesses"
        let logKeys = await fixture.log.verifiers
        let w = try witness("w", directory: directory)
        _ = try await w.witness(fixture.log, logKeys: logKeys)
        let root = try await fixture.log.root(size: 4)

        let older = try fixture.signedNote(size: 3, root: try await fixture.log.root(size: 3))
        await #expect { try await w.cosign(note: older, logKeys: logKeys) { _ in [] } } throws: { "\($0)".contains("rollback") }

        var otherRoot = root
        otherRoot[0] ^= 1
        let fork = try fixture.signedNote(size: 4, root: otherRoot)
        await #expect { try await w.cosign(note: fork, logKeys: logKeys) { _ in [] } } throws: { "\($0)".contains("fork") }

        let rewritten = try fixture.signedNote(size: 6, root: MerkleHash(repeating: 9, count: 32))
        await #expect { try await w.cosign(note: rewritten, logKeys: logKeys) { _ in [MerkleHash(repeating: 1, count: 32)] } } throws: {
            "\($0)".contains("not consistent")
        }

        let impostor = [
            try NoteSigner.generate(name: "dharma.test/log", algorithm: .ed25519),
            try NoteSigner.generate(name: "dharma.test/log", algorithm: .mldsa65),
        ]
        let unsigned = try fixture.signedNote(size: 5, root: root, signers: impostor)
        await #expect { try await w.cosign(note: unsigned, logKeys: logKeys) { _ in [] } } throws: { "\($0)".contains("not validly signed") }
    }
}
