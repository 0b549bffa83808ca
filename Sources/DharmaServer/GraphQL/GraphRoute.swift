import DharmaService
import Foundation
import GraphQL
import Hummingbird
import NIOCore

/// `GET /graphql?query=…` and `POST /graphql` (`{"query", "variables", "operationName"}`),
/// behind the same authentication as every call. Answers are GraphQL's: 200 with `data` and
/// `errors`; a request that is not GraphQL at all is a 400 problem document.
struct GraphRoute: Sendable {
    static let maxQueryBytes = 20_000

    let graph: DharmaGraph
    let context: @Sendable (Principal) -> GraphContext

    func register(on router: Router<BasicRequestContext>) {
        router.get("graphql") { request, _ in
            let parameters = Self.formFields(request.uri.query ?? "")
            guard let query = parameters["query"] else {
                return Self.problem("a GraphQL query is needed: GET /graphql?query=… or POST /graphql with {\"query\": …}", request)
            }
            var variables: [String: Map] = [:]
            if let text = parameters["variables"] {
                guard let decoded = try? JSONDecoder().decode([String: Map].self, from: Data(text.utf8)) else {
                    return Self.problem("`variables` must be a JSON object", request)
                }
                variables = decoded
            }
            return try await execute(GraphQLRequest(query: query, operationName: parameters["operationName"], variables: variables), request)
        }
        router.post("graphql") { request, _ in
            let body = try await request.body.collect(upTo: Self.maxQueryBytes * 4)
            guard let decoded = try? JSONDecoder().decode(GraphQLRequest.self, from: Data(buffer: body)) else {
                return Self.problem("the body must be JSON: {\"query\": \"…\", \"variables\": {…}, \"operationName\": \"…\"}", request)
            }
            return try await execute(decoded, request)
        }
    }

    private func execute(_ graphRequest: GraphQLRequest, _ request: Request) async throws -> Response {
        guard let principal = RequestPrincipal.current else {
            return AuthenticationMiddleware<BasicRequestContext>.unauthorised(request, "this call needs `Authorization: Bearer TOKEN`")
        }
        guard graphRequest.query.utf8.count <= Self.maxQueryBytes else { return Self.problem("the query is over \(Self.maxQueryBytes) bytes", request) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let result = try await graph.execute(request: graphRequest, context: context(principal))
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(result))))
        } catch let error as GraphQLError {
            // A query that does not parse or validate: GraphQL's error list, with 400.
            let body = try encoder.encode(["errors": [error]])
            return Response(status: .badRequest, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// `application/x-www-form-urlencoded` fields of a query string: `+` is a space, as browsers
    /// and curl send it.
    static func formFields(_ query: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if let name = parts.first, fields[name] == nil { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    static func problem(_ detail: String, _ request: Request) -> Response {
        ProblemDocument(status: .badRequest, code: "invalid-graphql-request", detail: detail, instance: request.uri.path).response()
    }
}
