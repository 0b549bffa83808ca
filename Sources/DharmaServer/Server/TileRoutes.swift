import DharmaAudit
import DharmaService
import Foundation
import Hummingbird
import NIOCore

/// An organisation's audit log, read-only, in the C2SP tlog-tiles layout under
/// `/v1/orgs/ORG/audit/tlog/`: `checkpoint` (the newest signed checkpoint, with its
/// cosignatures), `tile/L/N[.p/W]` and `tile/entries/N[.p/W]`. Members only, as every read.
struct TileRoutes: Sendable {
    let tenants: @Sendable (Principal) -> TenantService

    func register(on router: Router<BasicRequestContext>) {
        router.get("v1/orgs/:org/audit/tlog/checkpoint") { request, context in
            try await serve(request, context) { log, note, _ in Self.response(Data(note.utf8), contentType: "text/plain; charset=utf-8", immutable: false) }
        }
        router.get("v1/orgs/:org/audit/tlog/tile/**") { request, context in
            try await serve(request, context) { log, _, size in
                guard let tile = TileLayout.parse(context.parameters.getCatchAll()) else {
                    return ProblemDocument(status: .notFound, code: "not-found", detail: "not a tile path", instance: request.uri.path).response()
                }
                guard let data = try await log.tile(tile, size: size) else {
                    return ProblemDocument(status: .notFound, code: "not-found", detail: "the log of size \(size) has no such tile", instance: request.uri.path)
                        .response()
                }
                let full: Bool
                switch tile {
                case .hashes(_, _, let width), .entries(_, let width): full = width == TileLayout.width
                }
                return Self.response(data, contentType: "application/octet-stream", immutable: full)
            }
        }
    }

    /// The organisation's log and its newest checkpoint, for a caller who may read it; a service
    /// refusal is its problem document.
    private func serve(
        _ request: Request, _ context: BasicRequestContext, _ body: (AuditLog, String, UInt64) async throws -> Response
    ) async throws -> Response {
        guard let principal = RequestPrincipal.current else {
            return AuthenticationMiddleware<BasicRequestContext>.unauthorised(request, "this call needs `Authorization: Bearer TOKEN`")
        }
        let organisation = context.parameters.get("org") ?? ""
        do {
            let scope = try await tenants(principal).auditScope(organisation, .read, to: "read the audit log")
            let service = AuditService(context: scope.context)
            let (checkpoint, note, _) = try await service.checkpoint(scope.selector)
            return try await body(try service.log(at: scope.selector.state ?? ""), note, checkpoint.size)
        } catch let error as ServiceError {
            let (status, code) = ProblemDocument.classify(error)
            return ProblemDocument(status: status, code: code, detail: error.description, instance: request.uri.path).response()
        }
    }

    static func response(_ data: Data, contentType: String, immutable: Bool) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        // A full tile never changes; the checkpoint and partial tiles do.
        headers[.cacheControl] = immutable ? "private, max-age=31536000, immutable" : "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
