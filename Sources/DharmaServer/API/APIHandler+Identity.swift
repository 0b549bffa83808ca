import DharmaAPI
import DharmaService
import DharmaStore
import OpenAPIRuntime

/// Who is calling, users and API tokens.
extension APIHandler {
    func getCurrentUser(_ input: Operations.GetCurrentUser.Input) async throws -> Operations.GetCurrentUser.Output {
        await respond(Operations.GetCurrentUser.Output.default) { () throws(ServiceError) in
            let (user, memberships) = try await tenants().me()
            return .ok(.init(body: .json(.init(name: user.name, serverAdmin: user.serverAdmin, memberships: memberships.map(Components.Schemas.Member.init)))))
        }
    }

    func getApprovalKeys(_ input: Operations.GetApprovalKeys.Input) async throws -> Operations.GetApprovalKeys.Output {
        await respond(Operations.GetApprovalKeys.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(.init(keys: try await tenants().approvalKeys()))))
        }
    }

    func setApprovalKeys(_ input: Operations.SetApprovalKeys.Input) async throws -> Operations.SetApprovalKeys.Output {
        await respond(Operations.SetApprovalKeys.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            guard body.keys.count <= 2, body.keys.allSatisfy({ $0.count <= 4000 }) else {
                throw .invalidInput("keys: at most 2, each at most 4000 characters", pointer: "/keys")
            }
            return .ok(.init(body: .json(.init(keys: try await tenants().setApprovalKeys(body.keys)))))
        }
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        await respond(Operations.ListUsers.Output.default) { () throws(ServiceError) in
            let page = try await tenants().users(try Cursor.page(input.query.cursor, input.query.limit))
            return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.User.init), nextCursor: Cursor.encode(page.next)))))
        }
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        await respond(Operations.CreateUser.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            let user = try await tenants().createUser(body.name, serverAdmin: body.serverAdmin ?? false)
            return .created(.init(body: .json(.init(user))))
        }
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        await respond(Operations.ListTokens.Output.default) { () throws(ServiceError) in
            let page = try await tenants().tokens(try Cursor.page(input.query.cursor, input.query.limit))
            return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Token.init), nextCursor: Cursor.encode(page.next)))))
        }
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        await respond(Operations.CreateToken.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            let (token, secret) = try await tenants().createToken(name: body.name, for: body.user, expiresInDays: body.expiresInDays)
            return .created(.init(body: .json(.init(token: .init(token), secret: secret.text))))
        }
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        await respond(Operations.RevokeToken.Output.default) { () throws(ServiceError) in
            try await tenants().revokeToken(input.path.token)
            return .noContent(.init())
        }
    }
}
