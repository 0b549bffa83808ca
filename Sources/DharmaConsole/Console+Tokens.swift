import DharmaService
import DharmaStore
import Hummingbird

struct TokensView {
    struct Row {
        var id: String
        var name: String
        var created: String
        var expires: String?
        var lastUsed: String?
        var revoked: Bool
        var revokeURL: String
    }
    struct Created {
        var name: String
        var secret: String
    }
    var tokens: [Row]
    /// A token just made: its secret is shown this once.
    var created: Created?
    /// Stored, not computed: templates see stored properties only.
    var none: Bool
}

/// The signed-in user's API tokens: made here (shown once), revoked here.
extension Console {
    func tokensPage(created: TokensView.Created?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (tenants, _, _) = try acting()
        let tokens = try await tenants.tokens(PageRequest(limit: 200)).items
        let rows = tokens.map { token in
            TokensView.Row(
                id: token.id, name: token.name, created: Self.time(token.createdAt), expires: token.expiresAt.map(Self.time),
                lastUsed: token.lastUsedAt.map(Self.time), revoked: token.revoked, revokeURL: "/console/tokens/\(token.id)/revoke")
        }
        return pages.render(.tokens, title: "API tokens", TokensView(tokens: rows, created: created, none: rows.isEmpty), status: status)
    }

    func createToken(_ request: Request) async throws -> Response {
        let (tenants, _, session) = try acting()
        let days = session.form["expires_in_days"].flatMap { $0.isEmpty ? nil : Int($0) }
        let (token, secret) = try await tenants.createToken(name: session.form["name"] ?? "", expiresInDays: days)
        return try await tokensPage(created: .init(name: token.name, secret: secret.text), status: .created)
    }

    func revokeToken(_ id: String) async throws -> Response {
        let (tenants, _, _) = try acting()
        try await tenants.revokeToken(id)
        return Self.redirect(to: "/console/tokens")
    }
}
