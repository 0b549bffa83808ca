import DharmaService
import DharmaStore
import Foundation
import Hummingbird

/// The web console, served by `dharma server` under `/console`: pages rendered on the server
/// from Mustache templates, a little CSS, no JavaScript framework and no npm. A browser signs
/// in with a password and gets a session cookie; every page and action goes through the same
/// service layer, with the same permission checks, as the API.
public struct Console: Sendable {
    /// The tenant and run services acting for a signed-in principal.
    public typealias Services = @Sendable (Principal) -> (tenants: TenantService, runs: RunService)

    let signIn: ConsoleSignIn
    /// Sign-in through the server's OpenID provider, when it has one.
    let singleSignOn: (any SingleSignOn)?
    let services: Services
    let pages: PageRenderer
    /// Session cookies are `Secure` when the server speaks TLS.
    let secureCookies: Bool

    public static let cookieName = "dharma_session"

    public init(signIn: ConsoleSignIn, singleSignOn: (any SingleSignOn)? = nil, secureCookies: Bool, services: @escaping Services) throws {
        self.signIn = signIn
        self.singleSignOn = singleSignOn
        self.services = services
        self.secureCookies = secureCookies
        self.pages = try PageRenderer()
    }

    /// The console's paths: the API's authentication leaves them to the console's own.
    public static func owns(_ path: String) -> Bool {
        path == "/console" || path.hasPrefix("/console/")
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/console/assets/:file") { _, context in try Assets.response(for: context.parameters.get("file") ?? "") }
        router.get("/console/login") { _, _ in signInPage(error: nil) }
        router.post("/console/login") { request, _ in try await signInSubmitted(request) }
        router.get("/console/oidc/start") { request, _ in try await singleSignOnStarted(request) }
        router.get("/console/oidc/callback") { request, _ in try await singleSignOnReturned(request) }
        let signedIn = router.group("/console").add(middleware: ConsoleSessionMiddleware<Context>(signIn: signIn, pages: pages))
        signedIn.post("/logout") { request, _ in try await signOut(request) }
        signedIn.get("") { _, _ in try await stacksPage() }
        signedIn.get("/orgs/:org/stacks/:stack") { _, context in try await stackPage(context.parameters.require("org"), context.parameters.require("stack")) }
        signedIn.post("/orgs/:org/stacks/:stack/runs") { request, context in
            try await queueRun(request, context.parameters.require("org"), context.parameters.require("stack"))
        }
        signedIn.post("/orgs/:org/stacks/:stack/drift") { _, context in
            try await checkDrift(context.parameters.require("org"), context.parameters.require("stack"))
        }
        signedIn.get("/orgs/:org/stacks/:stack/versions/:version") { _, context in
            try await versionPage(context.parameters.require("org"), context.parameters.require("stack"), context.parameters.require("version"))
        }
        signedIn.get("/orgs/:org/stacks/:stack/compliance") { request, context in
            try await compliancePage(request, context.parameters.require("org"), context.parameters.require("stack"))
        }
        signedIn.get("/orgs/:org/metrics") { request, context in try await metricsPage(request, context.parameters.require("org")) }
        signedIn.get("/orgs/:org/stacks/:stack/incidents/:id") { _, context in
            try await incidentPage(context.parameters.require("org"), context.parameters.require("stack"), context.parameters.require("id"))
        }
        signedIn.post("/orgs/:org/stacks/:stack/incidents/:id/approve") { _, context in
            try await approveIncident(context.parameters.require("org"), context.parameters.require("stack"), context.parameters.require("id"))
        }
        signedIn.get("/orgs/:org/runs/:run") { _, context in try await runPage(context.parameters.require("org"), context.parameters.require("run")) }
        signedIn.post("/orgs/:org/runs/:run/:decision") { request, context in
            try await decide(request, context.parameters.require("org"), context.parameters.require("run"), context.parameters.require("decision"))
        }
        signedIn.get("/orgs/:org/audit") { request, context in try await auditPage(request, context.parameters.require("org")) }
        signedIn.get("/orgs/:org/audit/evidence") { _, context in try await evidenceBundle(context.parameters.require("org")) }
        signedIn.get("/orgs/:org/audit/:seq/proof") { _, context in
            try await auditProof(context.parameters.require("org"), context.parameters.require("seq"))
        }
        signedIn.get("/runs") { _, _ in try await runQueuePage() }
        signedIn.get("/dashboards/developer") { _, _ in try await developerDashboard() }
        signedIn.get("/dashboards/operations") { _, _ in try await operationsDashboard() }
        signedIn.get("/dashboards/security") { _, _ in try await securityDashboard() }
        signedIn.get("/dashboards/executive") { _, _ in try await executiveDashboard() }
        signedIn.get("/dashboards/business") { _, _ in try await businessDashboard() }
        signedIn.get("/dashboards/aiops") { _, _ in try await aiopsDashboard() }
        signedIn.get("/tokens") { _, _ in try await tokensPage(created: nil) }
        signedIn.post("/tokens") { request, _ in try await createToken(request) }
        signedIn.post("/tokens/:id/revoke") { _, context in try await revokeToken(context.parameters.require("id")) }
    }

    /// The signed-in principal's services, as the session middleware found them.
    func acting() throws -> (tenants: TenantService, runs: RunService, session: SignedInSession) {
        guard let session = SignedInSession.current else { throw HTTPError(.unauthorized) }
        let (tenants, runs) = services(session.principal)
        return (tenants, runs, session)
    }

    /// A 303 to `path`: after a form, the browser loads the page with GET.
    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }
}
