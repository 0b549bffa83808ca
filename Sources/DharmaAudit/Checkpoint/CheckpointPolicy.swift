import DharmaSecurity

/// When a checkpoint counts as valid: signed by the log under *both* of its keys, Ed25519 and
/// ML-DSA-65, so breaking either algorithm alone forges nothing.
public struct CheckpointPolicy: Sendable {
    public var logKeys: [NoteVerifier]

    public init(logKeys: [NoteVerifier]) {
        self.logKeys = logKeys
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missingSignature(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .missingSignature(let which): return "no valid \(which) signature from the log"
            case .malformed(let why): return why
            }
        }
    }

    /// Parses and checks a signed checkpoint.
    public func verify(_ note: String) throws(Failure) -> Checkpoint {
        let parsed: SignedNote
        do { parsed = try SignedNote(parsing: note) } catch { throw .malformed(error.description) }
        let valid = Set(parsed.validSigners(among: logKeys).map(\.algorithm))
        for algorithm in SignatureAlgorithm.allCases where logKeys.contains(where: { $0.algorithm == algorithm }) && !valid.contains(algorithm) {
            throw .missingSignature(algorithm.name)
        }
        do { return try Checkpoint(body: parsed.text) } catch { throw .malformed(error.description) }
    }
}
