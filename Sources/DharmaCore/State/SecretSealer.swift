/// Encrypts what must not be stored in clear: each stack's sensitive values are encrypted with a
/// data key of the stack's own, and that data key is stored sealed to a key pair kept outside
/// the database. The store keeps the sealed data keys and the ciphertexts; the sealer holds the
/// cryptography and the key pair.
public protocol SecretSealer: Sendable {
    /// The key pair data keys are sealed to now, made on first use.
    func currentKeyID() throws -> String
    /// Whether a key pair exists at all; a missing one is made on first use only while the
    /// store has sealed nothing.
    var hasKeyPair: Bool { get }
    /// A new data key, and the same key sealed to the current key pair.
    func newDataKey() throws -> (key: [UInt8], sealed: [UInt8])
    /// A data key sealed to the key pair `keyID` names.
    func openDataKey(_ sealed: [UInt8], keyID: String) throws -> [UInt8]
    func encrypt(_ plaintext: [UInt8], with key: [UInt8]) throws -> [UInt8]
    func decrypt(_ ciphertext: [UInt8], with key: [UInt8]) throws -> [UInt8]
}

/// How a sealed value sits in a tree of values: a one-entry map nothing else produces.
public enum SealedValue {
    public static let key = "$dharma.sealed"

    /// The ciphertext (base64) a value carries, when it is sealed.
    public static func ciphertext(of value: Value) -> String? {
        guard case .map(let entries) = value, entries.count == 1, case .string(let text)? = entries[key] else { return nil }
        return text
    }

    public static func wrap(_ ciphertext: String) -> Value {
        .map([key: .string(ciphertext)])
    }

    /// Whether any value in the tree is sealed.
    public static func containsSealed(_ value: Value) -> Bool {
        if ciphertext(of: value) != nil { return true }
        switch value {
        case .list(let items): return items.contains(where: containsSealed)
        case .map(let entries): return entries.values.contains(where: containsSealed)
        default: return false
        }
    }
}

/// A sealed value could not be read back: no key, another key, or a damaged ciphertext. Never
/// answered with the ciphertext or a guess.
public struct SealingError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
