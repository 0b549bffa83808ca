import DharmaConsole
import DharmaService
import DharmaStore
import Hummingbird

/// Who made the request being served: set by `AuthenticationMiddleware` for the handlers the
/// OpenAPI layer calls, which see no request context of their own.
enum RequestPrincipal {
    @TaskLocal static var current: Principal?
}

/// Authenticates every request but the few that are public, from `Authorization: Bearer`.
/// A missing or unknown token is 401 with `WWW-Authenticate`, and never says which it was.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: BearerAuthenticator
    static var publicPaths: Set<String> { ["/healthz", "/openapi.json", "/openapi.yaml", "/docs"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The web console signs its browsers in with sessions of its own.
        if Self.publicPaths.contains(request.uri.path) || request.uri.path == "/" || Console.owns(request.uri.path) {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], BearerAuthenticator.credential(in: header) != nil else {
            return Self.unauthorised(request, "this call needs `Authorization: Bearer TOKEN`; make a token with `dharma login` or POST /v1/tokens")
        }
        guard let principal = try await authenticator.principal(header: header) else {
            return Self.unauthorised(request, "the token is unknown, revoked or expired")
        }
        return try await RequestPrincipal.$current.withValue(principal) { try await next(request, context) }
    }

    static func unauthorised(_ request: Request, _ detail: String) -> Response {
        ProblemDocument(status: .unauthorized, code: "unauthenticated", detail: detail, instance: request.uri.path).response(headers: [
            .wwwAuthenticate: "Bearer realm=\"dharma\""
        ])
    }
}
