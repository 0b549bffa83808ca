import DharmaAPI
import DharmaConsole
import DharmaSecurity
import DharmaService
import DharmaStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime

/// `dharma server`: the REST API over the service layer, with its run queue, behind TLS.
public struct ControlPlane: Sendable {
    public static let version = "0.18.0"

    /// What a person starting the server needs to know.
    public struct Started: Sendable {
        public var url: String
        public var port: Int
        /// Where the first start wrote the administrator's token (mode 0600); nil on later starts.
        public var adminTokenPath: String?
        public var fingerprint: String?
        /// The CA certificate clients trust to reach this server (`dharma login --ca`).
        public var authorityPath: String?
    }

    let settings: ServerSettings

    public init(settings: ServerSettings) {
        self.settings = settings
    }

    /// Runs until the process is asked to stop (SIGINT/SIGTERM); `started` is called once the
    /// port is bound.
    public func run(logger: Logger, started: @escaping @Sendable (Started) -> Void) async throws {
        try settings.data.create()
        let store = try SQLiteTenantStore(path: settings.data.controlDatabase)
        let adminTokenPath = try await Self.bootstrap(store: store, data: settings.data)
        let tls = try ServerTLS.make(settings)
        let warn: @Sendable (String) -> Void = { logger.warning("\($0)") }
        let coordinator = RunCoordinator(store: store, data: settings.data, environment: settings.environment, workers: settings.workers, warn: warn)
        await coordinator.recover()
        let webhooks = WebhookDispatcher(store: store, data: settings.data, warn: warn)
        await webhooks.start(bus: coordinator.events)
        let pusher = CheckpointPusher(store: store, data: settings.data, warn: warn)
        await pusher.start(bus: coordinator.events)
        let supervisor = StackSupervisor(store: store, data: settings.data, environment: settings.environment, events: coordinator.events, warn: warn)
        await supervisor.start()
        defer { Task { await supervisor.stopAll() } }

        let documents = try SpecDocuments()
        _ = ServerMetrics.registry
        let router = Router()
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware(routes: documents.routes))
        let authenticator = BearerAuthenticator(store: store, oidc: settings.oidc.map(OIDCVerifier.init(settings:)), logger: logger)
        router.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        router.add(middleware: ParameterValidationMiddleware(rules: documents.parameters))
        router.add(middleware: RequestLimitsMiddleware(maxBodyBytes: settings.maxBodyBytes, buckets: RateBuckets(perMinute: settings.requestsPerMinute)))
        documents.register(on: router)
        ServerMetrics.register(on: router)
        let handler = APIHandler(
            store: store, data: settings.data, coordinator: coordinator, webhooks: webhooks, pusher: pusher, environment: settings.environment, warn: warn,
            health: supervisor.scores)
        // Compact JSON with sorted keys: indentation cost a sixth of a small response's encoding.
        try handler.registerHandlers(
            on: OptionalBodyTransport(base: router), configuration: Configuration(dateTranscoder: InternetDateTranscoder(), jsonEncodingOptions: [.sortedKeys]))
        GraphRoute(graph: try DharmaGraph()) { principal in
            let tenants = handler.tenants(acting: principal)
            return GraphContext(tenants: tenants, runs: RunService(tenants: tenants, coordinator: coordinator), stacks: ManagedStackService(tenants: tenants))
        }.register(on: router)
        TileRoutes { handler.tenants(acting: $0) }.register(on: router)
        let consoleSignIn = ConsoleSignIn(store: store, data: settings.data)
        // The console signs in through the provider the API trusts for bearer tokens.
        let singleSignOn = authenticator.oidc.map { OIDCSignOn(verifier: $0, store: store) }
        let console = try Console(signIn: consoleSignIn, singleSignOn: singleSignOn, secureCookies: tls != nil) { principal in
            let tenants = handler.tenants(acting: principal)
            return (tenants, RunService(tenants: tenants, coordinator: coordinator))
        }
        console.register(on: router)
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/console"]) }
        OTLPRoute { handler.tenants(acting: $0) }.register(on: router)

        let scheme = tls == nil ? "http" : "https"
        let hostInURL = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        let configuration = ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: "dharma")
        let onRunning: @Sendable (any Channel) async -> Void = { channel in
            let port = channel.localAddress?.port ?? settings.port
            started(
                Started(
                    url: "\(scheme)://\(hostInURL):\(port)", port: port, adminTokenPath: adminTokenPath, fingerprint: tls?.fingerprint,
                    authorityPath: tls?.authorityPath))
        }
        let sockets = LiveSockets(authenticator: authenticator, console: consoleSignIn) { principal in
            let tenants = handler.tenants(acting: principal)
            return (tenants, RunService(tenants: tenants, coordinator: coordinator))
        }
        // HTTP/1.1, upgraded to WebSocket on the live streams' paths.
        let http = HTTPServerBuilder.http1WebSocketUpgrade(
            webSocketRouter: sockets.router(),
            configuration: .init(http1: HTTP1Channel.Configuration(idleTimeout: TimeAmount.seconds(60)), ws: .init(maxFrameSize: 1 << 20)))
        let app = Application(
            router: router, server: try tls.map { try .tls(http, tlsConfiguration: $0.configuration) } ?? http, configuration: configuration,
            onServerRunning: onRunning, logger: logger)
        try await app.runService()
    }

    /// On the first start: the `admin` user and a token, written to `DATA/admin-token` (0600).
    static func bootstrap(store: any TenantStore, data: ServerData) async throws -> String? {
        guard let secret = try await TenantService.bootstrap(store: store) else { return nil }
        let path = data.directory + "/admin-token"
        try PrivateFile.write(secret.text + "\n", to: path)
        return path
    }
}

extension ControlPlane {
    /// Sets `user`'s web console password in the server's data directory (the server may be running).
    public static func setConsolePassword(_ password: String, of user: String, data: ServerData) async throws(ServiceError) {
        let store: SQLiteTenantStore
        do {
            store = try SQLiteTenantStore(path: data.controlDatabase)
        } catch {
            throw .failed("cannot open \(data.controlDatabase): \(error)")
        }
        try await ConsoleSignIn(store: store, data: data).setPassword(password, of: user)
    }

    /// A client certificate from the internal CA under `data`, for a machine named `name`, that
    /// a server started with `--client-certificates` accepts.
    public static func issueClientCertificate(name: String, data: ServerData, validityDays: Int) throws(ServiceError) -> InternalCA.Issued {
        guard (1...825).contains(validityDays) else { throw .invalidInput("--days: from 1 to 825") }
        guard name.range(of: "^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$", options: .regularExpression) != nil else {
            throw .invalidInput("--name `\(name)`: letters, digits, dots and dashes, at most 63")
        }
        return try ServerTLS.issueClientCertificate(name: name, data: data, validityDays: validityDays)
    }

    /// Issues a client certificate and writes it to `directory` as NAME.pem and NAME.key (mode
    /// 0600); returns what was issued and the two paths.
    public static func writeClientCertificate(
        name: String, data: ServerData, validityDays: Int, to directory: String
    ) throws(ServiceError) -> (issued: InternalCA.Issued, certificate: String, key: String) {
        let issued = try issueClientCertificate(name: name, data: data, validityDays: validityDays)
        let (certificate, key) = ("\(directory)/\(name).pem", "\(directory)/\(name).key")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try issued.certificatePEM.write(toFile: certificate, atomically: true, encoding: .utf8)
        } catch {
            throw .failed("cannot write to \(directory): \(error.localizedDescription)")
        }
        try PrivateFile.write(issued.privateKeyPEM, to: key)
        return (issued, certificate, key)
    }
}
