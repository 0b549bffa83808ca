import HTTPTypes
import OpenAPIRuntime

/// Hands the generated handlers no body when the request sends none: no Content-Type and no
/// content (HTTP/1.1 carries a body only with Content-Length or Transfer-Encoding). The
/// Hummingbird transport always passes one, so an optional body (approve, discard) sent
/// without any would otherwise be decoded as empty JSON and refused. An empty body with a
/// Content-Type is a body: an empty blueprint is a blueprint with errors.
struct OptionalBodyTransport<Base: ServerTransport>: ServerTransport {
    let base: Base

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        try base.register(
            { request, body, metadata in
                let length = request.headerFields[.contentLength].flatMap(Int.init)
                let chunked = request.headerFields[.transferEncoding] != nil
                let hasBody = chunked || (length ?? 0) > 0 || request.headerFields[.contentType] != nil
                return try await handler(request, hasBody ? body : nil, metadata)
            }, method: method, path: path)
    }
}
