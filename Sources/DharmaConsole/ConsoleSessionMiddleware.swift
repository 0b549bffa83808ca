import DharmaService
import Hummingbird

/// Lets through only requests with a live session cookie (a page without one redirects to the
/// sign-in page), and only forms that send the session's CSRF token back. A refused form is on
/// the server's audit log.
struct ConsoleSessionMiddleware<Context: RequestContext>: RouterMiddleware {
    let signIn: ConsoleSignIn
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = request.cookies[Console.cookieName]?.value, let (principal, csrf) = try await signIn.principal(session: secret) else {
            if request.method == .get { return Console.redirect(to: "/console/login") }
            return pages.problem(.unauthorized, "Your session has ended; sign in again.")
        }
        var form = ConsoleForm()
        if request.method == .post {
            form = try await ConsoleForm(request)
            guard let sent = form["csrf"], ConstantTime.equal(sent, csrf) else {
                try await signIn.recordRefusal(
                    actor: principal.name, action: "console-csrf-refused", reason: "\(request.method) \(request.uri.path) without this session's CSRF token")
                return pages.problem(.forbidden, "This form did not come from your session of the console (its CSRF token is missing or wrong).")
            }
        }
        let session = SignedInSession(principal: principal, csrf: csrf, secret: secret, form: form)
        return try await SignedInSession.$current.withValue(session) {
            do {
                return try await next(request, context)
            } catch let error as ServiceError {
                if case .failed = error { return pages.problem(.internalServerError, "The server failed to do this; the error is in its log.") }
                return pages.problem(Self.status(of: error), error.description)
            }
        }
    }

    /// The status a refusal of the service layer is shown with (the API's mapping).
    static func status(of error: ServiceError) -> HTTPResponse.Status {
        switch error {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .invalidInput: .badRequest
        case .conflict, .notApproved, .stalePlan: .conflict
        case .invalidBlueprint, .unprocessable, .policyViolation: .unprocessableContent
        case .failed: .internalServerError
        }
    }
}
