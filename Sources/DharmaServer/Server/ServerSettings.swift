import DharmaService

/// How `dharma server` runs: where it listens, where it keeps its data, and its TLS.
public struct ServerSettings: Sendable {
    public enum TLS: Sendable, Hashable {
        /// A certificate from the server's internal CA, made on first start (the default).
        case internalCA
        /// PEM files an operator gives.
        case files(certificate: String, key: String)
        /// Plain HTTP, for a server behind a TLS-terminating proxy or for benchmarks.
        case disabled
    }

    /// Whether TLS clients present certificates from the server's internal CA (mTLS, for machine
    /// clients such as agents and witnesses). A certificate from any other issuer is refused in
    /// the handshake whenever one is presented.
    public enum ClientCertificates: String, Sendable, Hashable, CaseIterable {
        /// Not asked for (browsers are never prompted).
        case off
        /// Asked for and checked when presented; clients without one authenticate with tokens.
        case optional
        /// No connection without one.
        case required
    }

    public var host: String
    public var port: Int
    public var data: ServerData
    public var tls: TLS
    /// Accept TLS 1.2 clients; TLS 1.3 only otherwise.
    public var allowTLS12: Bool
    /// Refuse clients that cannot do the hybrid post-quantum key exchange.
    public var postQuantumOnly: Bool
    public var clientCertificates: ClientCertificates
    /// An OpenID Connect issuer whose JWTs are accepted as bearer tokens, beside API tokens.
    public var oidc: OIDCVerifier.Settings?
    /// Runs that execute at once (one per stack at most).
    public var workers: Int
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// Requests each principal may make per minute before answers become 429.
    public var requestsPerMinute: Int
    public var environment: [String: String]

    public init(
        host: String = "127.0.0.1", port: Int = 8443, data: ServerData, tls: TLS = .internalCA, allowTLS12: Bool = false, postQuantumOnly: Bool = false,
        clientCertificates: ClientCertificates = .off, oidc: OIDCVerifier.Settings? = nil, workers: Int = 4, maxBodyBytes: Int = 4 << 20,
        requestsPerMinute: Int = 6000,
        environment: [String: String] = [:]
    ) {
        self.host = host
        self.port = port
        self.data = data
        self.tls = tls
        self.allowTLS12 = allowTLS12
        self.postQuantumOnly = postQuantumOnly
        self.clientCertificates = clientCertificates
        self.oidc = oidc
        self.workers = workers
        self.maxBodyBytes = maxBodyBytes
        self.requestsPerMinute = requestsPerMinute
        self.environment = environment
    }

    /// `HOST:PORT` (`[::1]:8443` for IPv6), as `--listen` takes it.
    public static func listenAddress(_ text: String) throws(ServiceError) -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw .invalidInput("--listen \(text): write HOST:PORT, as in 127.0.0.1:8443")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .invalidInput("--listen \(text): the host is missing; write HOST:PORT") }
        return (host, port)
    }
}
