import DharmaAPI
import DharmaService
import DharmaStore
import Foundation
import OpenAPIRuntime

/// The REST API: each operation of the checked-in spec, as a call into the service layer for
/// the authenticated principal. Handlers authorise nothing themselves: the services do, so
/// GraphQL and the console cannot differ from them.
struct APIHandler: APIProtocol {
    let store: any TenantStore
    let data: ServerData
    let coordinator: RunCoordinator
    let webhooks: WebhookDispatcher
    let pusher: CheckpointPusher
    let environment: [String: String]
    let warn: @Sendable (String) -> Void
    /// What the server's supervision scored last.
    let health: HealthBoard?

    /// The services, acting for the request's principal.
    func tenants() throws(ServiceError) -> TenantService {
        guard let principal = RequestPrincipal.current else { throw .forbidden("the request is not authenticated") }
        return tenants(acting: principal)
    }

    func tenants(acting principal: Principal) -> TenantService {
        var tenants = TenantService(context: ServiceContext(principal: principal, environment: environment, warn: warn), store: store, data: data)
        tenants.events = coordinator.events
        tenants.health = health
        return tenants
    }

    func runs() throws(ServiceError) -> RunService {
        RunService(tenants: try tenants(), coordinator: coordinator)
    }

    /// Runs `body`, answering a service error as the operation's problem response.
    func respond<Output>(
        _ problem: (Int, Components.Responses.Problem) -> Output, _ body: () async throws(ServiceError) -> Output
    ) async -> Output {
        do {
            return try await body()
        } catch {
            let (status, code) = ProblemDocument.classify(error)
            var detail = error.description
            if case .failed = error {
                warn("warning: \(detail)")
                detail = "the server failed to do this; the error is in its log"
            }
            // The server's own paths are not the caller's business: a blueprint is named by its version.
            detail = detail.replacingOccurrences(of: data.directory + "/orgs/[^/]+/stacks/[^/]+/", with: "", options: .regularExpression)
            let (diagnostics, sources) = error.diagnostics
            let document = Components.Schemas.Problem(
                _type: "https://dharma.dev/problems/\(code)", title: status.reasonPhrase, status: status.code, code: code, detail: detail,
                pointer: error.pointer,
                diagnostics: diagnostics.isEmpty
                    ? nil : Components.Schemas.Diagnostic.all(diagnostics, sources: sources.map { [$0.path: $0] } ?? [:]))
            return problem(status.code, .init(body: .applicationProblemJson(document)))
        }
    }

    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: .ok, version: ControlPlane.version))))
    }
}
