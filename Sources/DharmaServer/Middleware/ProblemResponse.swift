import DharmaService
import Foundation
import Hummingbird
import OpenAPIRuntime

/// RFC 9457 problem documents: every error the server answers is one, with a stable `code`
/// that clients can switch on and, where one field is at fault, a JSON pointer to it.
struct ProblemDocument: Encodable, Sendable {
    var type: String
    var title: String
    var status: Int
    var code: String
    var detail: String
    var instance: String?
    var pointer: String?

    init(status: HTTPResponse.Status, code: String, detail: String, instance: String? = nil, pointer: String? = nil) {
        self.type = "https://dharma.dev/problems/\(code)"
        self.title = status.reasonPhrase
        self.status = status.code
        self.code = code
        self.detail = detail
        self.instance = instance
        self.pointer = pointer
    }

    /// The status and stable code of each kind of service error.
    static func classify(_ error: ServiceError) -> (HTTPResponse.Status, String) {
        switch error {
        case .invalidBlueprint: (.unprocessableContent, "invalid-blueprint")
        case .invalidInput: (.badRequest, "invalid-input")
        case .unprocessable: (.unprocessableContent, "unprocessable")
        case .notFound: (.notFound, "not-found")
        case .policyViolation: (.unprocessableContent, "policy-violation")
        case .notApproved: (.conflict, "not-approved")
        case .forbidden: (.forbidden, "forbidden")
        case .stalePlan: (.conflict, "stale-plan")
        case .conflict: (.conflict, "conflict")
        case .failed: (.internalServerError, "failed")
        }
    }

    func response(headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns whatever a route threw that is not already a response (an unknown path, a body the
/// OpenAPI layer could not decode, a bug) into a problem document. A 5xx says no more than
/// that the server failed, and logs the rest.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            return response
        } catch let error as HTTPResponseError {
            let allowed = routes.methods(for: request.uri.path)
            if error.status == .notFound, !allowed.isEmpty {
                return ProblemDocument(
                    status: .methodNotAllowed, code: "method-not-allowed",
                    detail: "\(request.uri.path) answers \(allowed.joined(separator: ", ")), not \(request.method)",
                    instance: request.uri.path
                ).response(headers: [.allow: allowed.joined(separator: ", ")])
            }
            let status = error.status
            let code =
                status == .notFound ? "not-found" : status == .methodNotAllowed ? "method-not-allowed" : status.code == 413 ? "body-too-large" : "bad-request"
            let detail = status == .notFound ? "no such route: \(request.method) \(request.uri.path)" : "\(status.reasonPhrase)"
            return ProblemDocument(status: status, code: code, detail: detail, instance: request.uri.path).response()
        } catch let error as ServerError {
            // The OpenAPI layer refused the request: a parameter or body that does not match the spec.
            var status = error.httpStatus
            if error.underlyingError is DecodingError { status = .badRequest }
            guard status.kind == .clientError else { return failure(error, request, context) }
            return ProblemDocument(
                status: status, code: "invalid-request", detail: "\(error.operationID): \(Self.summary(of: error.underlyingError))", instance: request.uri.path
            ).response()
        } catch {
            return failure(error, request, context)
        }
    }

    private func failure(_ error: any Error, _ request: Request, _ context: Context) -> Response {
        context.logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string(String(describing: error))])
        return ProblemDocument(
            status: .internalServerError, code: "failed", detail: "the server failed to answer; the error is in its log", instance: request.uri.path
        )
        .response()
    }

    /// The request's fault without the server's internals.
    static func summary(of error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.keyNotFound(_, let context), DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: "/")
            return "the body does not match the API at /\(path): \(context.debugDescription)"
        default:
            return "the request does not match the API: \(String(describing: error).prefix(300))"
        }
    }
}
