import AsyncHTTPClient
import DharmaAPI
import DharmaService
import Foundation
import HTTPTypes
import NIOCore
import NIOSSL
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// The generated API client for one profile: every request carries the profile's token, and
/// TLS trusts the profile's CA. Problem documents come back as `ServiceError`s, so a remote
/// command exits as the local one would.
public struct RemoteClient: Sendable {
    public let profile: RemoteProfile
    public let api: Client
    /// For following runs: no request timeout.
    let streaming: Client
    let http: HTTPClient
    /// What TLS trusts: also used by WebSocket connections (`live`).
    let tls: TLSConfiguration

    public init(profile: RemoteProfile) throws(ServiceError) {
        guard let url = URL(string: profile.server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw .invalidInput("server `\(profile.server)` is not an http(s) URL")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let ca = profile.ca {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            } catch {
                throw .invalidInput("--ca \(ca): not a PEM certificate file (\(error))")
            }
        }
        self.tls = tls
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let middleware = [BearerToken(token: profile.token)] as [any ClientMiddleware]
        api = Client(
            serverURL: url, configuration: .init(dateTranscoder: .iso8601),
            transport: AsyncHTTPClientTransport(configuration: .init(client: http, timeout: .minutes(5))), middlewares: middleware)
        streaming = Client(
            serverURL: url, configuration: .init(dateTranscoder: .iso8601),
            transport: AsyncHTTPClientTransport(configuration: .init(client: http, timeout: .hours(24))), middlewares: middleware)
        self.profile = profile
    }

    /// Closes the connections; call once done.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// The organisation commands act in: the profile's, else the caller's only one.
    public func organisation() async throws(ServiceError) -> String {
        if let organisation = profile.organisation { return organisation }
        let output = try await call { try await api.getCurrentUser() }
        guard case .ok(let ok) = output, case .json(let me) = ok.body else { throw unexpected(output) }
        guard me.memberships.count == 1, let only = me.memberships.first else {
            throw .invalidInput(
                me.memberships.isEmpty
                    ? "\(me.name) belongs to no organisation on \(profile.server); ask an admin to add you"
                    : "\(me.name) belongs to \(me.memberships.map(\.organisation).joined(separator: ", ")); choose one with `dharma login --org` or DHARMA_ORG")
        }
        return only.organisation
    }

    /// Runs a generated call; a failure to reach the server, or an answer that is not HTTP,
    /// becomes a `ServiceError` naming the server.
    public func call<T>(_ body: () async throws -> T) async throws(ServiceError) -> T {
        do {
            return try await body()
        } catch let error as ClientError {
            throw .failed("\(profile.server): \(error.causeDescription): \(error.underlyingError)")
        } catch {
            throw .failed("\(profile.server): \(error)")
        }
    }

    /// The error an answer other than the expected one stands for: the problem document of a
    /// `default` response, as the local command would have thrown it.
    public func unexpected(_ output: Any) -> ServiceError {
        for child in Mirror(reflecting: output).children {
            guard let (status, response) = child.value as? (statusCode: Int, Components.Responses.Problem),
                case .applicationProblemJson(let problem) = response.body
            else { continue }
            return Self.serviceError(status: status, problem)
        }
        return .failed("\(profile.server) answered \(String(describing: output).prefix(200))")
    }

    static func serviceError(status: Int, _ problem: Components.Schemas.Problem) -> ServiceError {
        let detail = problem.detail
        switch problem.code {
        case "invalid-blueprint":
            return .invalidInput(
                detail + (problem.diagnostics.map { "\n" + $0.map(\.rendered).joined() } ?? ""), pointer: problem.pointer)
        case "invalid-input", "invalid-request", "body-too-large": return .invalidInput(detail, pointer: problem.pointer)
        case "unprocessable": return .unprocessable(detail, pointer: problem.pointer)
        case "not-found": return .notFound(detail)
        case "policy-violation": return .policyViolation(detail)
        case "not-approved": return .notApproved(detail)
        case "forbidden", "unauthenticated": return .forbidden(detail)
        case "conflict", "stale-plan": return .conflict(detail)
        default: return .failed("the server answered \(status): \(detail)")
        }
    }
}

/// Adds `Authorization: Bearer TOKEN` to every request.
struct BearerToken: ClientMiddleware {
    let token: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}
