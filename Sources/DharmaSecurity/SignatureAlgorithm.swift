/// The signature algorithms of signed notes (C2SP signed-note), with their type bytes.
///
/// Ed25519 is type 0x01 as the spec defines. C2SP has not assigned an ML-DSA-65 identifier for
/// plain note signatures, so Dharma uses 0xff, which the spec reserves for experimental types;
/// the key name keeps the two apart for readers.
public enum SignatureAlgorithm: UInt8, Sendable, Codable, CaseIterable {
    case ed25519 = 0x01
    case mldsa65 = 0xff

    public var name: String {
        switch self {
        case .ed25519: return "Ed25519"
        case .mldsa65: return "ML-DSA-65"
        }
    }
}
