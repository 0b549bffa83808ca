import DharmaSecurity
import Foundation

/// A C2SP signed note: text, a blank line, then one line per signature:
/// `— NAME base64(keyID || signature)`.
public struct SignedNote: Sendable, Hashable {
    public struct Signature: Sendable, Hashable {
        public var name: String
        public var keyID: [UInt8]
        public var bytes: Data
    }

    public var text: String
    public var signatures: [Signature]

    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(text: String, signatures: [Signature] = []) {
        self.text = text
        self.signatures = signatures
    }

    /// Signs `text` with every signer given.
    public init(text: String, signers: [NoteSigner]) throws {
        self.text = text
        signatures = try signers.map { signer in
            Signature(name: signer.name, keyID: signer.verifier.keyID, bytes: try signer.signature(for: Data(text.utf8)))
        }
    }

    public var serialized: String {
        text + "\n" + signatures.map { "— \($0.name) \((Data($0.keyID) + $0.bytes).base64EncodedString())\n" }.joined()
    }

    public init(parsing note: String) throws(Malformed) {
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw Malformed(description: "a signed note has its text, a blank line, then signature lines")
        }
        text = String(note[..<split.lowerBound]) + "\n"
        var signatures: [Signature] = []
        for line in note[split.upperBound...].split(separator: "\n") {
            guard line.hasPrefix("— ") else { throw Malformed(description: "`\(line.prefix(40))` is not a signature line (`— NAME SIGNATURE`)") }
            let fields = line.dropFirst(2).split(separator: " ")
            guard fields.count == 2, let blob = Data(base64Encoded: String(fields[1])), blob.count > 4 else {
                throw Malformed(description: "signature line for `\(fields.first ?? "")` is malformed")
            }
            signatures.append(Signature(name: String(fields[0]), keyID: Array(blob.prefix(4)), bytes: blob.dropFirst(4)))
        }
        guard !signatures.isEmpty else { throw Malformed(description: "the note has no signatures") }
        self.signatures = signatures
    }

    /// The verifiers among `trusted` whose signature on this note is valid.
    public func validSigners(among trusted: [NoteVerifier]) -> [NoteVerifier] {
        trusted.filter { verifier in
            signatures.contains {
                $0.name == verifier.name && $0.keyID == verifier.keyID
                    && verifier.isValid(signature: $0.bytes, for: Data(text.utf8))
            }
        }
    }
}
