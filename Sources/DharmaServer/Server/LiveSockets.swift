import DharmaConsole
import DharmaService
import DharmaStore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket

/// The upgrade request's context: who asked, set by `SocketAuthentication` from the same
/// bearer token the REST API takes.
struct SocketRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<SocketRequestContext>
    var principal: Principal?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.principal = nil
    }
}

/// Resolves `Authorization: Bearer` for an upgrade, or, on the console's paths, the console's
/// session cookie from a page of this same server (its `Origin` must be this host, so another
/// site's page cannot open a socket with a visitor's cookie). Without either nothing upgrades,
/// and the request is answered by the REST router, which says 401 as it does to any call.
struct SocketAuthentication: RouterMiddleware {
    let authenticator: BearerAuthenticator
    let console: ConsoleSignIn

    func handle(
        _ request: Request, context: SocketRequestContext, next: (Request, SocketRequestContext) async throws -> Response
    ) async throws -> Response {
        let principal: Principal?
        if Console.owns(request.uri.path) {
            principal = try await consolePrincipal(request)
        } else {
            principal = try await authenticator.principal(header: request.headers[.authorization])
        }
        guard let principal else { return Response(status: .unauthorized) }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }

    private func consolePrincipal(_ request: Request) async throws -> Principal? {
        guard let origin = request.headers[.origin].flatMap(URL.init(string:)), let host = request.head.authority,
            origin.host.map({ $0 + (origin.port.map { ":\($0)" } ?? "") }) == host,
            let secret = request.cookies[Console.cookieName]?.value
        else { return nil }
        return try await console.principal(session: secret)?.principal
    }
}

/// The live streams over WebSocket, on the same paths as their Server-Sent Events: a run's
/// log (`/v1/orgs/ORG/runs/RUN/log`) and events (`/v1/events`, `/v1/orgs/ORG/events`). Each
/// message is one `LiveMessage` as a JSON text frame. A request that may not read the
/// organisation is not upgraded: the REST router answers it (404 or 403, and the audit
/// entry), so a WebSocket client learns no more than a REST one.
struct LiveSockets: Sendable {
    let authenticator: BearerAuthenticator
    let console: ConsoleSignIn
    let services: @Sendable (Principal) -> (tenants: TenantService, runs: RunService)

    func router() -> Router<SocketRequestContext> {
        let router = Router(context: SocketRequestContext.self)
        router.add(middleware: SocketAuthentication(authenticator: authenticator, console: console))
        // The API's run log, and the same stream for the console's run page.
        for path in ["/v1/orgs/:org/runs/:run/log", "/console/orgs/:org/runs/:run/live"] {
            router.ws(RouterPath(path), shouldUpgrade: { _, context in Self.mayRead(context) }) { inbound, outbound, context in
                try await stream(inbound, outbound, context) { principal, parameters, query in
                    let after = try Self.integer(query, "after") ?? 0
                    let updates = try await services(principal).runs.follow(parameters.run, in: parameters.org, after: after)
                    return updates.map(LiveMessage.init)
                }
            }
        }
        router.ws("/v1/orgs/:org/events", shouldUpgrade: { _, context in Self.mayRead(context) }) { inbound, outbound, context in
            try await stream(inbound, outbound, context) { principal, parameters, query in
                try await events(principal, organisation: parameters.org, query: query)
            }
        }
        router.ws("/v1/events", shouldUpgrade: { request, context in Self.mayRead(context, organisation: request.uri.queryParameters["org"].map(String.init)) })
        {
            inbound, outbound, context in
            try await stream(inbound, outbound, context) { principal, _, query in
                try await events(principal, organisation: query["org"], query: query)
            }
        }
        return router
    }

    /// Upgrades only a caller who may read the organisation named in the path (or query); the
    /// check needs no database, and the service checks again when the stream starts.
    static func mayRead(_ context: SocketRequestContext, organisation: String? = nil) -> RouterShouldUpgrade {
        guard let principal = context.principal else { return .dontUpgrade }
        guard let organisation = organisation ?? context.parameters.get("org") else { return .upgrade([:]) }
        return principal.scoped(to: organisation).may(.read) ? .upgrade([:]) : .dontUpgrade
    }

    private func events(_ principal: Principal, organisation: String?, query: [String: String]) async throws -> AsyncMapSequence<
        AsyncStream<ServerEvent>, LiveMessage
    > {
        var kinds = Set(ServerEvent.Kind.allCases)
        if let type = query["type"] {
            guard let kind = ServerEvent.Kind(rawValue: type) else {
                throw ServiceError.invalidInput(
                    "type `\(type)`: one of \(ServerEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))", pointer: "/type")
            }
            kinds = [kind]
        }
        let filter = EventBus.Filter(project: query["project"], stack: query["stack"], kinds: kinds)
        let stream = try await services(principal).tenants.events(
            of: organisation, filter: filter, after: try Self.integer(query, "after"), bus: services(principal).runs.coordinator.events)
        return stream.map(LiveMessage.init)
    }

    struct Parameters {
        var org: String
        var run: String
    }

    /// Sends `messages` until they end or the client goes; a refusal from the service is a
    /// close frame (1008, policy violation) whose reason is the problem's code and detail.
    ///
    /// The close waits until the client is known to be listening: closing sends a FIN with the
    /// close frame, and a client whose upgrade is still finishing when that FIN arrives loses
    /// every frame that came with its 101 response (NIO's HTTP decoder drops the bytes left
    /// after an upgrade once it has seen the end of input), then waits forever. A client says
    /// it listens with any text message (Dharma's clients send `{"type":"ready"}`); one that
    /// says nothing is closed after `listeningGrace`.
    private func stream<Messages: AsyncSequence & Sendable>(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, _ context: WebSocketRouterContext<SocketRequestContext>,
        _ open: @Sendable (Principal, Parameters, [String: String]) async throws -> Messages
    ) async throws where Messages.Element == LiveMessage {
        guard let principal = context.requestContext.principal else { return }
        let parameters = Parameters(
            org: context.requestContext.parameters.get("org") ?? "", run: context.requestContext.parameters.get("run") ?? "")
        let query = Dictionary(
            context.request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
        let opened: Result<Messages, ServiceError>
        do {
            opened = .success(try await open(principal, parameters, query))
        } catch let error as ServiceError {
            opened = .failure(error)
        }
        let listening = ClientListening()
        try await withThrowingTaskGroup(of: StreamEnd.self) { group in
            group.addTask {
                for try await _ in inbound { listening.heard() }
                listening.gone()
                return .clientClosed
            }
            group.addTask {
                var close = (code: WebSocketErrorCode.normalClosure, reason: String?.none)
                switch opened {
                case .success(let messages):
                    for try await message in messages { try await outbound.write(.text(message.webSocketText)) }
                case .failure(let error):
                    let (status, code) = ProblemDocument.classify(error)
                    close = (.policyViolation, String("\(status.code) \(code): \(error.description)".prefix(120)))
                }
                await listening.wait(upTo: Self.listeningGrace)
                try await outbound.close(close.code, reason: close.reason)
                return .sentAll
            }
            if try await group.next() == .sentAll {
                // The client answers the close frame; the connection closes once it has.
                group.addTask {
                    try await Task.sleep(for: Self.closeReplyTimeout)
                    return .timedOut
                }
                _ = try await group.next()
            }
            group.cancelAll()
        }
    }

    /// How a stream's connection came to end.
    private enum StreamEnd {
        case sentAll
        case clientClosed
        case timedOut
    }

    /// How long the server waits for a silent client before it closes a stream that has ended.
    static let listeningGrace = Duration.seconds(5)
    /// How long a client has to answer the server's close frame.
    static let closeReplyTimeout = Duration.seconds(10)

    static func integer(_ query: [String: String], _ name: String) throws(ServiceError) -> Int? {
        guard let text = query[name] else { return nil }
        guard let value = Int(text), value >= 0 else { throw .invalidInput("\(name) `\(text)`: a whole number from 0", pointer: "/\(name)") }
        return value
    }
}
