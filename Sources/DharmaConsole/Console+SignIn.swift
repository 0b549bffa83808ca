import DharmaSecurity
import DharmaService
import Hummingbird

struct SignInView {
    var error: String?
    /// The OpenID provider's name when the server has one: the page offers signing in there.
    var provider: String?
}

/// Signing in and out.
extension Console {
    func signInPage(error: String?, status: HTTPResponse.Status = .ok) -> Response {
        pages.render(.login, title: "Sign in", SignInView(error: error, provider: singleSignOn?.issuer), status: status)
    }

    func signInSubmitted(_ request: Request) async throws -> Response {
        let form = try await ConsoleForm(request)
        guard let user = form["user"], let password = form["password"], !user.isEmpty, !password.isEmpty else {
            return signInPage(error: "Enter your user name and password.", status: .badRequest)
        }
        let secret: APITokenSecret?
        do {
            secret = try await signIn.signIn(user, password: password)
        } catch .conflict(let message) {
            return signInPage(error: "Too many failed sign-ins: \(message).", status: .tooManyRequests)
        }
        guard let secret else {
            return signInPage(error: "That user name and password do not match.", status: .unauthorized)
        }
        var response = Self.redirect(to: "/console")
        response.setCookie(sessionCookie(secret.text, maxAge: Int(ConsoleSignIn.sessionLifetime)))
        return response
    }

    func signOut(_ request: Request) async throws -> Response {
        let (_, _, session) = try acting()
        try await signIn.signOut(session: session.secret)
        var response = Self.redirect(to: "/console/login")
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }

    /// HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure
    /// over TLS, and only for the console's paths.
    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: Self.cookieName, value: value, maxAge: maxAge, path: "/console", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }
}
