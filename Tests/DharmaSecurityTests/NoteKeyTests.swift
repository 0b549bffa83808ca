import DharmaSecurity
import DharmaTestKit
import Foundation
import Testing

@Suite("Signed-note keys")
struct NoteKeyTests {
    @Test("both algorithms sign and verify; a changed message or key fails")
    func signAndVerify() throws {
        for algorithm in SignatureAlgorithm.allCases {
            let signer = try NoteSigner.generate(name: "log.example", algorithm: algorithm)
            let message = Data("dharma\n1\n".utf8)
            let signature = try signer.signature(for: message)
            #expect(signer.verifier.isValid(signature: signature, for: message))
            #expect(!signer.verifier.isValid(signature: signature, for: Data("dharma\n2\n".utf8)))
            let other = try NoteSigner.generate(name: "log.example", algorithm: algorithm)
            #expect(!other.verifier.isValid(signature: signature, for: message))
            #expect(signer.verifier.keyID.count == 4)
        }
    }

    @Test("key IDs and the verifier encoding match the Go note package's published example")
    func goExample() throws {
        // From golang.org/x/mod/sumdb/note's documentation.
        let encoded = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
        let parts = encoded.split(separator: "+")
        let blob = try #require(Data(base64Encoded: String(parts[2])))
        let verifier = NoteVerifier(name: "PeterNeumann", algorithm: .ed25519, publicKey: blob.dropFirst())
        #expect(verifier.encoded == encoded)
        let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
        let signature = try #require(Data(base64Encoded: "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="))
        #expect(Array(signature.prefix(4)) == verifier.keyID)
        #expect(verifier.isValid(signature: signature.dropFirst(4), for: Data(text.utf8)))
    }

    @Test("keys are created 0600 on first use, reused after, and refused when others can read them")
    func keyDirectory() throws {
        let path = Scratch.path("dharma-keys")
        let keys = KeyDirectory(path: path)
        let first = try keys.signers(named: "dharma-log")
        #expect(first.map(\.algorithm) == [.ed25519, .mldsa65])
        let attributes = try FileManager.default.attributesOfItem(atPath: path + "/dharma-log.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try keys.signers(named: "dharma-log").map(\.verifier) == first.map(\.verifier))

        chmod(path + "/dharma-log.key", 0o644)
        #expect { try keys.signers(named: "dharma-log") } throws: { "\($0)".contains("chmod 600") }
        chmod(path + "/dharma-log.key", 0o600)
        try "not json".write(toFile: path + "/dharma-log.key", atomically: false, encoding: .utf8)
        #expect { try keys.signers(named: "dharma-log") } throws: { "\($0)".contains("not a Dharma key file") }
    }
}
