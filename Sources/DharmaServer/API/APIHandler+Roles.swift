import DharmaAPI
import DharmaService
import DharmaStore

/// The organisation's roles: built-in ones and custom sets of permissions.
extension APIHandler {
    func roles() throws(ServiceError) -> CustomRoleService {
        CustomRoleService(tenants: try tenants())
    }

    func listRoles(_ input: Operations.ListRoles.Input) async throws -> Operations.ListRoles.Output {
        await respond(Operations.ListRoles.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(.init(items: try await roles().roles(in: input.path.org).map(Components.Schemas.RoleDefinition.init)))))
        }
    }

    func setRole(_ input: Operations.SetRole.Input) async throws -> Operations.SetRole.Output {
        await respond(Operations.SetRole.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            guard body.permissions.count <= 6 else { throw .invalidInput("permissions: at most 6", pointer: "/permissions") }
            let role = try await roles().setRole(input.path.role, permissions: body.permissions.map(\.rawValue), in: input.path.org)
            return .ok(.init(body: .json(.init(role))))
        }
    }

    func removeRole(_ input: Operations.RemoveRole.Input) async throws -> Operations.RemoveRole.Output {
        await respond(Operations.RemoveRole.Output.default) { () throws(ServiceError) in
            try await roles().removeRole(input.path.role, in: input.path.org)
            return .noContent(.init())
        }
    }
}

extension Components.Schemas.RoleDefinition {
    init(_ definition: CustomRoleService.Definition) {
        self.init(
            name: definition.name.rawValue,
            permissions: Permission.allCases.filter(definition.permissions.contains).compactMap { Components.Schemas.Permission(rawValue: $0.rawValue) },
            builtIn: definition.builtIn)
    }
}
