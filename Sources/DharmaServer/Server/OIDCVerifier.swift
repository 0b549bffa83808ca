import DharmaService
import DharmaStore
import Foundation
import JWTKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Bearer JWTs from an OpenID Connect issuer: the signature is checked against the issuer's
/// JWKS (found through its discovery document, fetched again when a token names a key not
/// seen yet, at most once a minute), then the issuer, the audience, expiry and not-before. The
/// user claim names a server user; the groups claim may add memberships, as `ORG:ROLE`, in
/// organisations where the server keeps none for the user.
public actor OIDCVerifier {
    public struct Settings: Sendable, Hashable {
        public var issuer: String
        /// The client ID tokens must be issued to (`aud`).
        public var audience: String
        /// The claim that names the server user (default `preferred_username`).
        public var userClaim: String
        /// A claim listing groups; a group `ORG:ROLE` makes the user ROLE in ORG.
        public var groupsClaim: String?
        /// Where the provider sends the browser back after a console sign-in
        /// (`https://HOST:PORT/console/oidc/callback`, as registered with the provider).
        public var redirectURL: String?
        /// The console's client secret at the provider; nil for a public client, which PKCE
        /// alone protects.
        public var clientSecret: String?

        public init(
            issuer: String, audience: String, userClaim: String = "preferred_username", groupsClaim: String? = "groups", redirectURL: String? = nil,
            clientSecret: String? = nil
        ) {
            self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
            self.audience = audience
            self.userClaim = userClaim
            self.groupsClaim = groupsClaim
            self.redirectURL = redirectURL
            self.clientSecret = clientSecret
        }
    }

    /// The console's client secret: the first line of `file`, else `DHARMA_OIDC_CLIENT_SECRET`;
    /// nil when neither is given. Kept out of the command line, where `ps` would show it.
    public static func clientSecretFrom(file: String?, environment: [String: String]) throws(ServiceError) -> String? {
        guard let file else { return environment["DHARMA_OIDC_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 } }
        guard let data = FileManager.default.contents(atPath: file) else { throw .invalidInput("--oidc-client-secret-file: cannot read \(file)") }
        let secret = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let secret, !secret.isEmpty else { throw .invalidInput("--oidc-client-secret-file: \(file) is empty") }
        return secret
    }

    /// The provider's endpoints, from its discovery document.
    struct Endpoints: Sendable {
        var authorization: String
        var token: String
        var jwks: String
    }

    /// Why a token was not accepted, for the server's log; the caller only hears 401.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    let settings: Settings
    private var keys: JWTKeyCollection?
    private var fetchedAt: Date?
    private var discovered: Endpoints?

    public init(settings: Settings) {
        self.settings = settings
    }

    /// The server user the token stands for, with their memberships.
    func principal(for token: String, store: any TenantStore) async throws -> Principal {
        let (user, grants) = try await identity(try await verified(token), store: store)
        let memberships = try await store.memberships(of: user.name) + grants
        return try await Principal.member(user, memberships: memberships, authentication: .oidc, resolvingIn: store)
    }

    /// The server user an ID token from a console sign-in names, and the memberships its groups
    /// grant; the token must carry the nonce the sign-in sent.
    func signIn(idToken: String, nonce: String, store: any TenantStore) async throws -> (user: String, grants: [Membership]) {
        let claims = try await verified(idToken)
        guard case .string(nonce)? = claims.claims["nonce"] else { throw Refusal(description: "the ID token does not carry this sign-in's nonce") }
        let (user, grants) = try await identity(claims, store: store)
        return (user.name, grants)
    }

    /// The user the claims name, and the memberships the groups claim grants in organisations
    /// where the server keeps none for them (a membership kept on the server wins).
    private func identity(_ claims: IdentityClaims, store: any TenantStore) async throws -> (user: User, grants: [Membership]) {
        guard case .string(let name)? = claims.claims[settings.userClaim] else {
            throw Refusal(description: "the token has no `\(settings.userClaim)` claim naming a user")
        }
        guard let user = try await store.user(named: name.lowercased()) else {
            throw Refusal(description: "the token's user `\(name)` is not a user of this server")
        }
        let kept = try await store.memberships(of: user.name)
        var grants: [Membership] = []
        if let groupsClaim = settings.groupsClaim, case .strings(let groups)? = claims.claims[groupsClaim] {
            for group in groups {
                let parts = group.split(separator: ":").map(String.init)
                guard parts.count == 2, let role = Role(rawValue: parts[1]),
                    !(kept + grants).contains(where: { $0.organisation == parts[0] })
                else { continue }
                grants.append(Membership(organisation: parts[0], user: user.name, role: role))
            }
        }
        return (user, grants)
    }

    /// The provider's endpoints, read once from its discovery document.
    func endpoints() async throws -> Endpoints {
        if let discovered { return discovered }
        let discovery = try await Self.json(settings.issuer + "/.well-known/openid-configuration")
        guard discovery["issuer"] as? String == settings.issuer, let jwks = discovery["jwks_uri"] as? String,
            let authorization = discovery["authorization_endpoint"] as? String, let token = discovery["token_endpoint"] as? String
        else {
            throw Refusal(description: "the discovery document of \(settings.issuer) names another issuer, or lacks jwks_uri or an endpoint")
        }
        let endpoints = Endpoints(authorization: authorization, token: token, jwks: jwks)
        discovered = endpoints
        return endpoints
    }

    private func verified(_ token: String) async throws -> IdentityClaims {
        let collection = try await keyCollection(refresh: false)
        let claims: IdentityClaims
        do {
            claims = try await collection.verify(token, as: IdentityClaims.self)
        } catch let error as JWTError where error.errorType == .missingKIDHeader || error.errorType == .unknownKID {
            // The issuer may have rotated its keys: look again, at most once a minute.
            claims = try await keyCollection(refresh: true).verify(token, as: IdentityClaims.self)
        }
        guard claims.issuer == settings.issuer else { throw Refusal(description: "issued by `\(claims.issuer)`, not `\(settings.issuer)`") }
        guard claims.audience.contains(settings.audience) else { throw Refusal(description: "not issued to `\(settings.audience)`") }
        return claims
    }

    private func keyCollection(refresh: Bool) async throws -> JWTKeyCollection {
        if let keys, !refresh || (fetchedAt.map { Date().timeIntervalSince($0) < 60 } ?? false) { return keys }
        let jwks = try await Self.fetch(try await endpoints().jwks)
        let collection = try await JWTKeyCollection().add(jwksJSON: String(decoding: jwks, as: UTF8.self))
        keys = collection
        fetchedAt = Date()
        return collection
    }

    static func json(_ url: String) async throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: try await fetch(url)) as? [String: Any] else {
            throw Refusal(description: "\(url) is not a JSON object")
        }
        return object
    }

    static func fetch(_ url: String) async throws -> Data {
        guard let address = URL(string: url) else { throw Refusal(description: "`\(url)` is not a URL") }
        return try await send(URLRequest(url: address, timeoutInterval: 10))
    }

    static func send(_ request: URLRequest) async throws -> Data {
        let url = request.url?.absoluteString ?? "?"
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: Refusal(description: "\(url): \(error.localizedDescription)"))
                } else if let status = (response as? HTTPURLResponse)?.statusCode, status != 200 {
                    continuation.resume(throwing: Refusal(description: "\(url) answered \(status)"))
                } else {
                    continuation.resume(returning: data ?? Data())
                }
            }.resume()
        }
    }
}

/// An ID token's claims: the registered ones checked by JWTKit, the rest kept to read the user
/// and groups claims by the names the settings give.
struct IdentityClaims: JWTPayload {
    enum Claim: Sendable {
        case string(String)
        case strings([String])
    }

    var issuer: String
    var audience: [String]
    var expires: ExpirationClaim
    var notBefore: NotBeforeClaim?
    var claims: [String: Claim]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        issuer = try container.decode(String.self, forKey: Key(stringValue: "iss"))
        if let one = try? container.decode(String.self, forKey: Key(stringValue: "aud")) {
            audience = [one]
        } else {
            audience = try container.decode([String].self, forKey: Key(stringValue: "aud"))
        }
        expires = try container.decode(ExpirationClaim.self, forKey: Key(stringValue: "exp"))
        notBefore = try container.decodeIfPresent(NotBeforeClaim.self, forKey: Key(stringValue: "nbf"))
        var claims: [String: Claim] = [:]
        for key in container.allKeys {
            if let text = try? container.decode(String.self, forKey: key) {
                claims[key.stringValue] = .string(text)
            } else if let list = try? container.decode([String].self, forKey: key) {
                claims[key.stringValue] = .strings(list)
            }
        }
        self.claims = claims
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(issuer, forKey: Key(stringValue: "iss"))
        try container.encode(audience, forKey: Key(stringValue: "aud"))
        try container.encode(expires, forKey: Key(stringValue: "exp"))
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try expires.verifyNotExpired()
        try notBefore?.verifyNotBefore()
    }
}
