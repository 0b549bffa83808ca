import DharmaSecurity
import DharmaService
import Foundation
import HummingbirdTLS
import NIOSSL

/// The server's TLS: TLS 1.3 (1.2 only when asked for), X25519MLKEM768 preferred with X25519
/// as the fallback, or the hybrid group alone with `--pq-only`.
struct ServerTLS {
    var configuration: TLSConfiguration
    /// SHA-256 of the server's certificate, to print at start and pin in clients.
    var fingerprint: String
    /// The CA a client trusts to reach this server (the internal CA's certificate), if the
    /// server made its own certificate.
    var authorityPath: String?

    /// The key-exchange groups offered, most preferred first.
    static func groups(postQuantumOnly: Bool) -> [NIOTLSCurve] {
        postQuantumOnly ? [.x25519_MLKEM768] : [.x25519_MLKEM768, .x25519]
    }

    static func make(_ settings: ServerSettings) throws(ServiceError) -> ServerTLS? {
        let certificatePEM: String
        let keyPEM: String
        var authority: String?
        switch settings.tls {
        case .disabled:
            return nil
        case .files(let certificate, let key):
            do {
                certificatePEM = try String(contentsOfFile: certificate, encoding: .utf8)
                keyPEM = try String(contentsOfFile: key, encoding: .utf8)
            } catch {
                throw .invalidInput("cannot read the TLS certificate or key: \(error.localizedDescription)")
            }
        case .internalCA:
            (certificatePEM, keyPEM) = try internalCertificate(settings)
            authority = settings.data.directory + "/tls/ca/ca.pem"
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = settings.allowTLS12 ? .tlsv12 : .tlsv13
            configuration.curves = groups(postQuantumOnly: settings.postQuantumOnly)
            configuration.applicationProtocols = ["http/1.1"]
            if settings.clientCertificates != .off {
                // Client certificates are the internal CA's, whoever signed the server's own.
                _ = try internalAuthority(settings)
                configuration.trustRoots = .file(settings.data.directory + "/tls/ca/ca.pem")
                configuration.certificateVerification = settings.clientCertificates == .required ? .noHostnameVerification : .optionalVerification
            }
            guard let fingerprint = InternalCA.fingerprint(pem: certificatePEM) else {
                throw ServiceError.invalidInput("the TLS certificate is not a PEM certificate")
            }
            return ServerTLS(configuration: configuration, fingerprint: fingerprint, authorityPath: authority)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .invalidInput("the TLS certificate or key is not usable: \(error)")
        }
    }

    /// The server's internal CA, made on first use under `DATA/tls/ca/`.
    static func internalAuthority(_ settings: ServerSettings) throws(ServiceError) -> InternalCA {
        do { return try InternalCA.open(directory: settings.data.directory + "/tls/ca") } catch { throw .failed("the server's internal CA: \(error)") }
    }

    /// A client certificate from the server's internal CA for a machine named `name`: what
    /// `dharma server client-cert` writes, and what `--client-certificates` accepts.
    static func issueClientCertificate(name: String, data: ServerData, validityDays: Int) throws(ServiceError) -> InternalCA.Issued {
        let settings = ServerSettings(data: data)
        let ca = try internalAuthority(settings)
        do {
            return try ca.issue(domains: [name], keyAlgorithm: .ecP256, validity: Double(validityDays) * 86_400, usage: .client)
        } catch {
            throw .failed("cannot issue a client certificate for \(name): \(error)")
        }
    }

    /// The server's certificate from its internal CA, kept under `DATA/tls/` and issued again
    /// when it has less than 30 days left or does not name the listening host.
    private static func internalCertificate(_ settings: ServerSettings) throws(ServiceError) -> (String, String) {
        let directory = settings.data.directory + "/tls"
        let certificatePath = directory + "/server.pem"
        let keyPath = directory + "/server.key"
        let names = Array(Set([settings.host, "localhost", "127.0.0.1", "::1"].filter { $0 != "0.0.0.0" && $0 != "::" })).sorted()
        let ca = try internalAuthority(settings)
        if let certificate = try? String(contentsOfFile: certificatePath, encoding: .utf8), let key = try? String(contentsOfFile: keyPath, encoding: .utf8),
            let expiry = ca.verify(certificate).notAfter, ca.verify(certificate).valid, expiry.timeIntervalSinceNow > 30 * 86_400,
            (try? String(contentsOfFile: directory + "/server.names", encoding: .utf8)) == names.joined(separator: ",")
        {
            return (certificate, key)
        }
        do {
            let issued = try ca.issue(domains: names, keyAlgorithm: .ecP256, validity: 365 * 86_400)
            try issued.certificatePEM.write(toFile: certificatePath, atomically: true, encoding: .utf8)
            try PrivateFile.write(issued.privateKeyPEM, to: keyPath)
            try names.joined(separator: ",").write(toFile: directory + "/server.names", atomically: true, encoding: .utf8)
            return (issued.certificatePEM, issued.privateKeyPEM)
        } catch {
            throw .failed("cannot issue the server's certificate: \(error)")
        }
    }
}
