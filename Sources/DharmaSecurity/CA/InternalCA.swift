import Crypto
import DharmaCore
import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#endif

/// Dharma's own certificate authority, for certificates the local runtime issues: a P-384
/// root made on first use under `.dharma/ca/` (the key mode 0600), valid ten years. Leaf
/// certificates carry the domains as subject alternative names and are valid for TLS servers.
public struct InternalCA: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// A leaf certificate and its key, PEM-encoded.
    public struct Issued: Sendable {
        public var certificatePEM: String
        public var privateKeyPEM: String
        public var serial: String
        public var notBefore: Date
        public var notAfter: Date
    }

    public enum KeyAlgorithm: String, Sendable, CaseIterable {
        case ecP256 = "ec-p256"
        case ecP384 = "ec-p384"
    }

    public let directory: String
    let certificate: Certificate
    let key: P384.Signing.PrivateKey

    public var certificatePath: String { directory + "/ca.pem" }

    /// Opens the CA under `directory`, creating it when there is none.
    /// Made on first use. Opening is serialised with an exclusive lock on `ca.lock`, so two
    /// certificates applied at once (or two processes) neither make two CAs nor read one half-written.
    public static func open(directory: String, now: Date = Date()) throws(Failure) -> InternalCA {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create \(directory): \(error.localizedDescription)")
        }
        let lock = Glibc.open(directory + "/ca.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw Failure(description: "cannot open \(directory)/ca.lock: \(String(cString: strerror(errno)))") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Failure(description: "cannot lock \(directory)/ca.lock: \(String(cString: strerror(errno)))") }
        }
        defer { flock(lock, LOCK_UN) }
        return try openLocked(directory: directory, now: now)
    }

    private static func openLocked(directory: String, now: Date) throws(Failure) -> InternalCA {
        let keyPath = directory + "/ca.key"
        let certificatePath = directory + "/ca.pem"
        do {
            if FileManager.default.fileExists(atPath: keyPath) {
                try refuseReadableByOthers(keyPath)
                let key = try P384.Signing.PrivateKey(pemRepresentation: try String(contentsOfFile: keyPath, encoding: .utf8))
                let certificate = try Certificate(pemEncoded: try String(contentsOfFile: certificatePath, encoding: .utf8))
                guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
                    throw Failure(description: "\(certificatePath) does not belong to the key in \(keyPath)")
                }
                return InternalCA(directory: directory, certificate: certificate, key: key)
            }
            let key = P384.Signing.PrivateKey()
            let name = try DistinguishedName {
                OrganizationName("Dharma")
                CommonName("Dharma internal CA")
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA384,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
                },
                issuerPrivateKey: .init(key))
            try write(key.pemRepresentation, to: keyPath, mode: 0o600)
            try write(try certificate.serializeAsPEM().pemString, to: certificatePath, mode: 0o644)
            return InternalCA(directory: directory, certificate: certificate, key: key)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "the internal CA under \(directory) cannot be used: \(error)")
        }
    }

    public var certificatePEM: String {
        (try? certificate.serializeAsPEM().pemString) ?? ""
    }

    /// What a leaf certificate is for: its extended key usage.
    public enum Usage: Sendable {
        /// TLS servers (`serverAuth`), named by their domains and addresses.
        case server
        /// TLS clients (`clientAuth`): machines (agents, witnesses) proving who they are with mTLS.
        case client
    }

    /// Issues a certificate for `domains` (the first is its common name), valid from five
    /// minutes ago (clock skew) for `validity` seconds.
    public func issue(domains: [String], keyAlgorithm: KeyAlgorithm, validity: Double, usage: Usage = .server, now: Date = Date()) throws(Failure)
        -> Issued
    {
        guard let first = domains.first else { throw Failure(description: "a certificate needs at least one domain") }
        do {
            let (publicKey, privateKeyPEM): (Certificate.PublicKey, String) =
                switch keyAlgorithm {
                case .ecP256:
                    {
                        let key = P256.Signing.PrivateKey(); return (Certificate.PublicKey(key.publicKey), key.pemRepresentation)
                    }()
                case .ecP384:
                    {
                        let key = P384.Signing.PrivateKey(); return (Certificate.PublicKey(key.publicKey), key.pemRepresentation)
                    }()
                }
            let serial = Certificate.SerialNumber()
            let notBefore = now.addingTimeInterval(-300)
            let notAfter = now.addingTimeInterval(validity)
            let leaf = try Certificate(
                version: .v3, serialNumber: serial, publicKey: publicKey, notValidBefore: notBefore, notValidAfter: notAfter,
                issuer: certificate.subject, subject: try DistinguishedName { CommonName(first) }, signatureAlgorithm: .ecdsaWithSHA384,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([usage == .server ? .serverAuth : .clientAuth])
                    SubjectAlternativeNames(
                        domains.map { domain in
                            Self.ipAddress(domain).map(GeneralName.ipAddress) ?? .dnsName(domain)
                        })
                    AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                },
                issuerPrivateKey: .init(key))
            return Issued(
                certificatePEM: try leaf.serializeAsPEM().pemString, privateKeyPEM: privateKeyPEM,
                serial: serial.bytes.hexEncoded, notBefore: notBefore, notAfter: notAfter)
        } catch {
            throw Failure(description: "cannot issue a certificate for \(domains.joined(separator: ", ")): \(error)")
        }
    }

    /// Whether the first certificate in `pem` (a chain starts with its leaf) is one this CA
    /// signed that is valid at `now`, with its expiry.
    public func verify(_ pem: String, at now: Date = Date()) -> (valid: Bool, notAfter: Date?) {
        let end = "-----END CERTIFICATE-----"
        guard let close = pem.range(of: end), let leaf = try? Certificate(pemEncoded: String(pem[..<close.upperBound])) else { return (false, nil) }
        let signed = leaf.issuer == certificate.subject && certificate.publicKey.isValidSignature(leaf.signature, for: leaf)
        return (signed && leaf.notValidBefore <= now && now <= leaf.notValidAfter, leaf.notValidAfter)
    }

    /// `127.0.0.1` → its four bytes as an `ipAddress` name; nil for DNS names.
    static func ipAddress(_ text: String) -> ASN1OctetString? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? ASN1OctetString(contentBytes: ArraySlice(bytes)) : nil
    }

    private static func write(_ text: String, to path: String, mode: mode_t) throws(Failure) {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: Int(mode)]),
            rename(temporary, path) == 0
        else {
            unlink(temporary)
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func refuseReadableByOthers(_ path: String) throws(Failure) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(description: "cannot read \(path)") }
        if info.st_mode & 0o077 != 0 {
            throw Failure(description: "\(path) can be read by other users (mode \(String(info.st_mode & 0o777, radix: 8))); `chmod 600` it first")
        }
    }
}

extension InternalCA {
    /// The SHA-256 fingerprint of the first certificate in `pem`, as `AB:CD:…`, what browsers
    /// and `openssl x509 -fingerprint -sha256` show; nil when `pem` holds no certificate.
    public static func fingerprint(pem: String) -> String? {
        guard let certificate = try? Certificate(pemEncoded: pem) else { return nil }
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(certificate)) != nil else { return nil }
        return SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02X", $0) }.joined(separator: ":")
    }
}
