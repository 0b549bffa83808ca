import DharmaSecurity
import Foundation

/// A witness's cosignature on a checkpoint, in the style of C2SP tlog-cosignature: the witness
/// signs `cosignature/v1`, the time, and the checkpoint body, and the signature line carries
/// the time so anyone can rebuild the signed message. Witnesses sign with Ed25519 and ML-DSA-65.
public enum Cosignature {
    static func message(body: String, time: UInt64) -> Data {
        Data("cosignature/v1\ntime \(time)\n\(body)".utf8)
    }

    /// Signature lines (`— NAME base64(keyID || time || signature)`) to append to the note.
    public static func sign(body: String, with signers: [NoteSigner], time: UInt64) throws -> [String] {
        try signers.map { signer in
            var timestamp = time.bigEndian
            let timeBytes = withUnsafeBytes(of: &timestamp) { Data($0) }
            let signature = try signer.signature(for: message(body: body, time: time))
            return "— \(signer.name) \((Data(signer.verifier.asCosigner.keyID) + timeBytes + signature).base64EncodedString())\n"
        }
    }

    /// The witnesses among `witnesses` (grouped by name) whose Ed25519 and ML-DSA-65
    /// cosignatures on this note both verify.
    public static func validWitnesses(on note: SignedNote, among witnesses: [NoteVerifier]) -> Set<String> {
        var valid: [String: Set<SignatureAlgorithm>] = [:]
        for signature in note.signatures where signature.bytes.count > 8 {
            let timeBytes = signature.bytes.prefix(8)
            let time = timeBytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let message = message(body: note.text, time: time)
            for verifier in witnesses
            where verifier.name == signature.name && verifier.keyID == signature.keyID
                && verifier.isValid(signature: signature.bytes.dropFirst(8), for: message)
            {
                valid[verifier.name, default: []].insert(verifier.algorithm)
            }
        }
        return Set(valid.filter { $0.value == Set(SignatureAlgorithm.allCases) }.keys)
    }
}
