import Crypto
import Foundation

/// A public key that verifies signed-note signatures, identified as C2SP signed-note does:
/// key ID = first 4 bytes of SHA-256(name || 0x0A || type || public key).
public struct NoteVerifier: Sendable, Hashable, Codable {
    public var name: String
    public var algorithm: SignatureAlgorithm
    public var publicKey: Data
    /// A witness's key for C2SP tlog-cosignature: an Ed25519 cosigner key has type 0x04
    /// (`cosignature/v1`), not 0x01, so other witnesses' clients identify it; ML-DSA-65 keeps its type.
    public var isCosigner: Bool

    public init(name: String, algorithm: SignatureAlgorithm, publicKey: Data, isCosigner: Bool = false) {
        self.name = name
        self.algorithm = algorithm
        self.publicKey = publicKey
        self.isCosigner = isCosigner
    }

    private enum CodingKeys: String, CodingKey { case name, algorithm, publicKey, isCosigner }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name), algorithm: try container.decode(SignatureAlgorithm.self, forKey: .algorithm),
            publicKey: try container.decode(Data.self, forKey: .publicKey),
            isCosigner: try container.decodeIfPresent(Bool.self, forKey: .isCosigner) ?? false)
    }

    /// The C2SP type byte of the key: 0x04 for an Ed25519 cosigner, else the algorithm's.
    public var typeByte: UInt8 {
        isCosigner && algorithm == .ed25519 ? Self.cosignatureV1 : algorithm.rawValue
    }

    static let cosignatureV1: UInt8 = 0x04

    /// The same key, as a witness's cosigner key (only Ed25519 has a cosignature type).
    public var asCosigner: NoteVerifier {
        NoteVerifier(name: name, algorithm: algorithm, publicKey: publicKey, isCosigner: algorithm == .ed25519)
    }

    public var keyID: [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0A, typeByte])
        hasher.update(data: publicKey)
        return Array(hasher.finalize().prefix(4))
    }

    public func isValid(signature: Data, for message: Data) -> Bool {
        switch algorithm {
        case .ed25519:
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
            return key.isValidSignature(signature, for: message)
        case .mldsa65:
            guard let key = try? MLDSA65.PublicKey(rawRepresentation: publicKey) else { return false }
            return key.isValidSignature(signature, for: message)
        }
    }

    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `name+hexkeyid+base64(type||key)`, checking that the key ID matches the key.
    public init(encoded: String) throws(Malformed) {
        let parts = encoded.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].count == 8 else {
            throw Malformed(description: "`\(encoded.prefix(40))` is not a verifier key (NAME+KEYID+BASE64)")
        }
        guard let blob = Data(base64Encoded: String(parts[2])), let type = blob.first,
            let algorithm = type == Self.cosignatureV1 ? .ed25519 : SignatureAlgorithm(rawValue: type)
        else {
            throw Malformed(description: "verifier key for `\(parts[0])` has an unknown or malformed key")
        }
        self.init(name: String(parts[0]), algorithm: algorithm, publicKey: blob.dropFirst(), isCosigner: type == Self.cosignatureV1)
        let expected = keyID.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        guard expected == parts[1].lowercased() else {
            throw Malformed(description: "verifier key for `\(parts[0])` says key ID \(parts[1]), but the key's ID is \(expected)")
        }
    }

    /// The verifier key in the Go note format: `name+hexkeyid+base64(type||key)`.
    public var encoded: String {
        "\(name)+\(keyID.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())+"
            + (Data([typeByte]) + publicKey).base64EncodedString()
    }
}

/// A private signing key for notes. Seeds only: both algorithms derive the key from 32 bytes.
public struct NoteSigner: Sendable {
    public let name: String
    public let algorithm: SignatureAlgorithm
    let seed: Data
    private let sign: @Sendable (Data) throws -> Data
    public let verifier: NoteVerifier

    public init(name: String, algorithm: SignatureAlgorithm, seed: Data) throws {
        self.name = name
        self.algorithm = algorithm
        self.seed = seed
        switch algorithm {
        case .ed25519:
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            sign = { try key.signature(for: $0) }
            verifier = NoteVerifier(name: name, algorithm: algorithm, publicKey: key.publicKey.rawRepresentation)
        case .mldsa65:
            let key = try MLDSA65.PrivateKey(seedRepresentation: seed, publicKey: nil)
            sign = { try key.signature(for: $0) }
            verifier = NoteVerifier(name: name, algorithm: algorithm, publicKey: key.publicKey.rawRepresentation)
        }
    }

    /// A fresh key from the system's secure random source.
    public static func generate(name: String, algorithm: SignatureAlgorithm) throws -> NoteSigner {
        var generator = SystemRandomNumberGenerator()
        let seed = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return try NoteSigner(name: name, algorithm: algorithm, seed: seed)
    }

    public func signature(for message: Data) throws -> Data {
        try sign(message)
    }
}
