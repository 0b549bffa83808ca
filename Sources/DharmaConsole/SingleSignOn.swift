import DharmaStore

/// Signing in to the console through the server's OpenID provider with the authorisation-code
/// flow (OpenID Connect Core 3.1, with PKCE, RFC 7636). The console keeps the flow's state in the
/// browser; whoever implements this talks to the provider and verifies what it returns.
public protocol SingleSignOn: Sendable {
    /// The provider's name for the sign-in page and the audit log (its issuer URL).
    var issuer: String { get }
    /// The callback address registered with the provider, when it is not the one the browser
    /// is using (a server behind a proxy); nil to use the browser's.
    var redirectURL: String? { get }
    /// Where to send the browser to sign in: the provider's authorisation endpoint with this
    /// attempt's state, nonce and code challenge.
    func authorizationURL(for attempt: SignOnAttempt, redirectURL: String) async throws -> String
    /// Trades the code the provider sent back for an ID token, verifies it (signature, issuer,
    /// audience, expiry, the attempt's nonce) and names the server user it stands for, with the
    /// memberships its groups grant.
    func complete(code: String, for attempt: SignOnAttempt, redirectURL: String) async throws -> (user: String, grants: [Membership])
}

/// One sign-in's secrets, made when the browser is sent to the provider and kept in a cookie of
/// its own until it comes back: `state` ties the answer to this browser, `nonce` the ID token to
/// this attempt, and `verifier` (PKCE) the code to whoever asked for it.
public struct SignOnAttempt: Sendable, Hashable {
    public var state: String
    public var nonce: String
    public var verifier: String

    public init(state: String, nonce: String, verifier: String) {
        self.state = state
        self.nonce = nonce
        self.verifier = verifier
    }

    /// The cookie's value, and back. Each part is URL-safe base64, so `.` separates them.
    var cookieValue: String { [state, nonce, verifier].joined(separator: ".") }

    init?(cookie: String) {
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ (32...128).contains($0.count) }) else { return nil }
        self.init(state: parts[0], nonce: parts[1], verifier: parts[2])
    }
}
