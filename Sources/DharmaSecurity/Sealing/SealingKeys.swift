import Crypto
import DharmaCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The X-Wing key pair (ML-KEM-768 + X25519) that stacks' data keys are sealed to, beside the
/// signing keys: `keys/sealing.key` (mode 0600). Rotation makes `sealing.next.key`, re-seals,
/// then retires the old pair as `sealing.retired-TIME.key`; a pair is found by its id in any of
/// them, so an interrupted rotation loses nothing.
public struct SealingKeys: SecretSealer {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    var currentPath: String { directory + "/sealing.key" }
    var nextPath: String { directory + "/sealing.next.key" }
    /// The pair new data keys are sealed to: the current one, or during a rotation the next.
    var sealingPath: String { overrideCurrent ?? currentPath }

    struct KeyFile: Codable {
        var id: String
        var created: Double
        var seed: String
    }

    public var hasKeyPair: Bool { FileManager.default.fileExists(atPath: sealingPath) }

    public func currentKeyID() throws -> String {
        if !hasKeyPair { try create(at: sealingPath) }
        return try load(sealingPath).id
    }

    public func newDataKey() throws -> (key: [UInt8], sealed: [UInt8]) {
        let key = SymmetricKey(size: .bits256)
        let pair = try load(sealingPath)
        return (key.withUnsafeBytes { Array($0) }, try Self.seal(key, to: pair.key.publicKey))
    }

    public func openDataKey(_ sealed: [UInt8], keyID: String) throws -> [UInt8] {
        guard let pair = try pairs().first(where: { $0.id == keyID }) else {
            throw SealingError(
                "the stack's secrets are sealed to key \(keyID), which is not in \(directory) (sealing.key is missing or another key); "
                    + "restore the key file from a backup. Nothing was changed.")
        }
        let encapsulatedCount = 1120
        guard sealed.count > encapsulatedCount else { throw SealingError("a sealed data key is damaged (too short)") }
        do {
            let shared = try pair.key.decapsulate(Data(sealed[..<encapsulatedCount]))
            let opened = try AES.GCM.open(AES.GCM.SealedBox(combined: Data(sealed[encapsulatedCount...])), using: Self.wrappingKey(shared))
            return Array(opened)
        } catch {
            throw SealingError("a sealed data key does not open with key \(keyID): \(error)")
        }
    }

    public func encrypt(_ plaintext: [UInt8], with key: [UInt8]) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key)).combined else {
            throw SealingError("AES-GCM gave no combined ciphertext")
        }
        return Array(combined)
    }

    public func decrypt(_ ciphertext: [UInt8], with key: [UInt8]) throws -> [UInt8] {
        do {
            return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: ciphertext), using: SymmetricKey(data: key)))
        } catch {
            throw SealingError("a sealed value does not decrypt with its stack's data key (edited or damaged): \(error)")
        }
    }

    // MARK: rotation

    /// Starts a rotation: a new pair as `sealing.next.key`, returned as a sealer whose current
    /// key it is. The store re-seals with it, then `finishRotation()` makes it current.
    public func beginRotation() throws -> SealingKeys {
        if FileManager.default.fileExists(atPath: nextPath) { try FileManager.default.removeItem(atPath: nextPath) }
        try create(at: nextPath)
        return SealingKeys(directory: directory, current: nextPath)
    }

    /// The old pair is kept, retired, for backups sealed to it; the next one becomes current.
    public func finishRotation() throws {
        let retired = directory + "/sealing.retired-\(Int(Date().timeIntervalSince1970 * 1000)).key"
        if FileManager.default.fileExists(atPath: currentPath), rename(currentPath, retired) != 0 {
            throw SealingError("cannot retire \(currentPath): \(String(cString: strerror(errno)))")
        }
        guard rename(nextPath, currentPath) == 0 else { throw SealingError("cannot install \(nextPath): \(String(cString: strerror(errno)))") }
    }

    private var overrideCurrent: String?

    init(directory: String, current: String) {
        self.directory = directory
        self.overrideCurrent = current
    }

    // MARK: files

    struct Pair {
        var id: String
        var key: XWingMLKEM768X25519.PrivateKey
    }

    /// Every pair on disk: current, next (a rotation under way) and retired.
    func pairs() throws -> [Pair] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("sealing.") && $0.hasSuffix(".key") }
        return try names.sorted().map { try load(directory + "/" + $0) }
    }

    private func load(_ path: String) throws -> Pair {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SealingError("cannot read \(path): \(String(cString: strerror(errno)))") }
        guard info.st_mode & 0o077 == 0 else {
            throw SealingError("\(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); run `chmod 600 \(path)`")
        }
        do {
            let file = try JSONDecoder().decode(KeyFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            guard let seed = Data(base64Encoded: file.seed) else { throw SealingError("\(path) holds a malformed seed") }
            let key = try XWingMLKEM768X25519.PrivateKey(seedRepresentation: seed, publicKey: nil)
            guard Self.id(of: key.publicKey) == file.id else { throw SealingError("\(path): its key does not match its id") }
            return Pair(id: file.id, key: key)
        } catch let error as SealingError {
            throw error
        } catch {
            throw SealingError("\(path) is not a Dharma sealing key (\(error)); restore it from a backup")
        }
    }

    private func create(at path: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = try XWingMLKEM768X25519.PrivateKey.generate()
        let data = try JSONEncoder().encode(
            KeyFile(
                id: Self.id(of: key.publicKey), created: Date().timeIntervalSince1970,
                seed: key.seedRepresentation.base64EncodedString()))
        // Created 0600 from the start, never briefly readable.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw SealingError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw SealingError("cannot write \(path)") }
    }

    /// A pair's id: the first 16 hex digits of SHA-256 of its public key.
    static func id(of publicKey: XWingMLKEM768X25519.PublicKey) -> String {
        SHA256.hash(data: publicKey.rawRepresentation).prefix(8).hexEncoded
    }

    /// X-Wing encapsulation to `publicKey`, then the data key wrapped with AES-GCM under a key
    /// derived from the shared secret: `encapsulation (1120 bytes) || nonce || ciphertext || tag`.
    static func seal(_ dataKey: SymmetricKey, to publicKey: XWingMLKEM768X25519.PublicKey) throws -> [UInt8] {
        let encapsulated = try publicKey.encapsulate()
        let box = try AES.GCM.seal(dataKey.withUnsafeBytes { Data($0) }, using: wrappingKey(encapsulated.sharedSecret))
        guard let combined = box.combined else { throw SealingError("AES-GCM gave no combined ciphertext") }
        return Array(encapsulated.encapsulated) + Array(combined)
    }

    static func wrappingKey(_ shared: SymmetricKey) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: shared, info: Data("dharma data key v1".utf8), outputByteCount: 32)
    }
}
