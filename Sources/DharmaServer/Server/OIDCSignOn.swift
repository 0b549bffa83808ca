import DharmaConsole
import DharmaSecurity
import DharmaStore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The console's sign-in through the OpenID provider the server already trusts for bearer
/// tokens: the authorisation-code flow with PKCE (S256), the code traded at the provider's token
/// endpoint (with the client secret, HTTP Basic, when the server has one), and the ID token
/// verified as bearer tokens are, plus the attempt's nonce.
struct OIDCSignOn: SingleSignOn {
    let verifier: OIDCVerifier
    let store: any TenantStore

    var issuer: String { verifier.settings.issuer }
    var redirectURL: String? { verifier.settings.redirectURL }

    func authorizationURL(for attempt: SignOnAttempt, redirectURL: String) async throws -> String {
        let endpoint = try await verifier.endpoints().authorization
        guard var url = URLComponents(string: endpoint) else { throw OIDCVerifier.Refusal(description: "`\(endpoint)` is not a URL") }
        url.queryItems =
            (url.queryItems ?? []) + [
                URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: verifier.settings.audience),
                URLQueryItem(name: "redirect_uri", value: redirectURL), URLQueryItem(name: "scope", value: "openid profile email"),
                URLQueryItem(name: "state", value: attempt.state), URLQueryItem(name: "nonce", value: attempt.nonce),
                URLQueryItem(name: "code_challenge", value: PKCE.challenge(for: attempt.verifier)),
                URLQueryItem(name: "code_challenge_method", value: "S256"),
            ]
        guard let text = url.string else { throw OIDCVerifier.Refusal(description: "cannot build the authorisation URL from `\(endpoint)`") }
        return text
    }

    func complete(code: String, for attempt: SignOnAttempt, redirectURL: String) async throws -> (user: String, grants: [Membership]) {
        let endpoint = try await verifier.endpoints().token
        guard let url = URL(string: endpoint) else { throw OIDCVerifier.Refusal(description: "`\(endpoint)` is not a URL") }
        let settings = verifier.settings
        var form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURL), ("code_verifier", attempt.verifier),
        ]
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let secret = settings.clientSecret {
            // RFC 6749 §2.3.1: both parts form-encoded before they are joined and base64'd.
            let credentials = Self.formEncoded(settings.audience) + ":" + Self.formEncoded(secret)
            request.setValue("Basic " + Data(credentials.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        } else {
            form.append(("client_id", settings.audience))
        }
        request.httpBody = Data(form.map { Self.formEncoded($0.0) + "=" + Self.formEncoded($0.1) }.joined(separator: "&").utf8)
        let answer = try JSONSerialization.jsonObject(with: try await OIDCVerifier.send(request)) as? [String: Any]
        guard let idToken = answer?["id_token"] as? String else { throw OIDCVerifier.Refusal(description: "the token endpoint returned no id_token") }
        return try await verifier.signIn(idToken: idToken, nonce: attempt.nonce, store: store)
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters escaped.
    static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
