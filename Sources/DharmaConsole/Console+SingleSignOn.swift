import DharmaSecurity
import DharmaService
import DharmaStore
import Foundation
import Hummingbird

struct WelcomeView {
    var user: String
    var provider: String
}

/// Signing in through the server's OpenID provider: `/console/oidc/start` sends the browser to
/// the provider with a fresh state, nonce and PKCE challenge, kept in a cookie of their own;
/// `/console/oidc/callback` checks the state against that cookie, has the code traded and the ID
/// token verified, and opens a session as a password sign-in does. Every refusal is on the
/// server's audit log; the browser hears what went wrong, never a token or a secret.
extension Console {
    static let attemptCookie = "dharma_oidc"
    /// How long a browser may spend at the provider.
    static let attemptLifetime = 600

    /// Where the provider sends the browser back: the registered address when the server has
    /// one, else this server as the browser addresses it.
    func callbackURL(_ request: Request, _ singleSignOn: any SingleSignOn) -> String? {
        if let configured = singleSignOn.redirectURL { return configured }
        guard let authority = request.head.authority, !authority.isEmpty,
            authority.allSatisfy({ $0.isLetter || $0.isNumber || "-.:[]".contains($0) })
        else { return nil }
        return (secureCookies ? "https://" : "http://") + authority + "/console/oidc/callback"
    }

    func singleSignOnStarted(_ request: Request) async throws -> Response {
        guard let singleSignOn else { return signInPage(error: "This server has no OpenID provider; sign in with a password.", status: .notFound) }
        guard let callback = callbackURL(request, singleSignOn) else {
            return signInPage(error: "The request names no host to come back to.", status: .badRequest)
        }
        let attempt = SignOnAttempt(state: PKCE.verifier(), nonce: PKCE.verifier(), verifier: PKCE.verifier())
        let url: String
        do { url = try await singleSignOn.authorizationURL(for: attempt, redirectURL: callback) } catch {
            try await signIn.recordRefusal(actor: "anonymous", action: "console-sign-in-refused", reason: "the OpenID provider cannot be reached: \(error)")
            return signInPage(error: "The identity provider cannot be reached; try again, or sign in with a password.", status: .badGateway)
        }
        var response = Self.redirect(to: url)
        response.setCookie(attemptCookie(attempt.cookieValue, maxAge: Self.attemptLifetime))
        return response
    }

    func singleSignOnReturned(_ request: Request) async throws -> Response {
        guard let singleSignOn else { return signInPage(error: "This server has no OpenID provider; sign in with a password.", status: .notFound) }
        let query = request.uri.queryParameters
        // The attempt is used once, whatever happens next.
        func refuse(_ shown: String, _ reason: String, _ status: HTTPResponse.Status) async throws -> Response {
            try await signIn.recordRefusal(actor: "anonymous", action: "console-sign-in-refused", reason: "OpenID sign-in: \(reason)")
            var response = signInPage(error: shown, status: status)
            response.setCookie(attemptCookie("", maxAge: 0))
            return response
        }
        guard let attempt = request.cookies[Self.attemptCookie].flatMap({ SignOnAttempt(cookie: $0.value) }) else {
            return try await refuse(
                "This sign-in did not start in this browser, or took longer than 10 minutes; sign in again.", "no sign-in attempt in the browser",
                .badRequest)
        }
        guard let state = query.get("state"), ConstantTime.equal(state, attempt.state) else {
            return try await refuse("This answer is for another sign-in; sign in again.", "the state does not match this browser's attempt", .badRequest)
        }
        if let error = query.get("error") {
            let description = query.get("error_description").map { ": \($0)" } ?? ""
            return try await refuse("The identity provider did not sign you in (\(error)\(description)).", "the provider answered \(error)", .unauthorized)
        }
        guard let code = query.get("code"), !code.isEmpty, code.count <= 2048 else {
            return try await refuse("The identity provider sent no code; sign in again.", "no code in the answer", .badRequest)
        }
        guard let callback = callbackURL(request, singleSignOn) else {
            return try await refuse("The request names no host to come back to.", "no Host in the callback", .badRequest)
        }
        let identity: (user: String, grants: [Membership])
        do { identity = try await singleSignOn.complete(code: code, for: attempt, redirectURL: callback) } catch {
            return try await refuse(
                "The identity provider's answer did not verify, or names no user of this server.", "\(error)", .unauthorized)
        }
        let secret = try await signIn.signIn(verified: identity.user, grants: identity.grants, issuer: singleSignOn.issuer)
        // A page of this server's own, not a redirect: the browser came here from the provider,
        // and a redirect would keep that cross-site start, so the SameSite=Strict session
        // cookie would not go with it. The page moves on by itself.
        var response = pages.render(.welcome, title: "Signed in", WelcomeView(user: identity.user, provider: singleSignOn.issuer))
        response.setCookie(sessionCookie(secret.text, maxAge: Int(ConsoleSignIn.sessionLifetime)))
        response.setCookie(attemptCookie("", maxAge: 0))
        return response
    }

    /// SameSite=Lax, unlike the session's Strict: the provider's redirect back is a navigation
    /// from another site, and a Strict cookie would not come with it. Only the callback sees it.
    func attemptCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: Self.attemptCookie, value: value, maxAge: maxAge, path: "/console/oidc", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }
}
