import DharmaAPI
import DharmaService
import DharmaStore
import OpenAPIRuntime

/// Organisations, their members and projects.
extension APIHandler {
    func listOrganisations(_ input: Operations.ListOrganisations.Input) async throws -> Operations.ListOrganisations.Output {
        await respond(Operations.ListOrganisations.Output.default) { () throws(ServiceError) in
            let tenants = try tenants()
            let page = try await tenants.organisations(try Cursor.page(input.query.cursor, input.query.limit))
            let roles = tenants.context.principal.memberships
            return .ok(
                .init(
                    body: .json(
                        .init(items: page.items.map { Components.Schemas.Organisation($0, role: roles[$0.name]) }, nextCursor: Cursor.encode(page.next)))))
        }
    }

    func createOrganisation(_ input: Operations.CreateOrganisation.Input) async throws -> Operations.CreateOrganisation.Output {
        await respond(Operations.CreateOrganisation.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            let organisation = try await tenants().createOrganisation(body.name)
            return .created(.init(body: .json(.init(organisation, role: .admin))))
        }
    }

    func getOrganisation(_ input: Operations.GetOrganisation.Input) async throws -> Operations.GetOrganisation.Output {
        await respond(Operations.GetOrganisation.Output.default) { () throws(ServiceError) in
            let tenants = try tenants()
            let organisation = try await tenants.organisation(input.path.org)
            return .ok(.init(body: .json(.init(organisation, role: tenants.context.principal.memberships[organisation.name]))))
        }
    }

    func listMembers(_ input: Operations.ListMembers.Input) async throws -> Operations.ListMembers.Output {
        await respond(Operations.ListMembers.Output.default) { () throws(ServiceError) in
            let page = try await tenants().members(of: input.path.org, try Cursor.page(input.query.cursor, input.query.limit))
            return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Member.init), nextCursor: Cursor.encode(page.next)))))
        }
    }

    func setMember(_ input: Operations.SetMember.Input) async throws -> Operations.SetMember.Output {
        await respond(Operations.SetMember.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            guard let role = Role(rawValue: body.role) else {
                throw .invalidInput("role `\(body.role.prefix(60))`: lowercase letters, digits and dashes, starting with a letter", pointer: "/role")
            }
            let membership = try await tenants().setMember(input.path.user, role: role, in: input.path.org)
            return .ok(.init(body: .json(.init(membership))))
        }
    }

    func removeMember(_ input: Operations.RemoveMember.Input) async throws -> Operations.RemoveMember.Output {
        await respond(Operations.RemoveMember.Output.default) { () throws(ServiceError) in
            try await tenants().removeMember(input.path.user, from: input.path.org)
            return .noContent(.init())
        }
    }

    func listProjects(_ input: Operations.ListProjects.Input) async throws -> Operations.ListProjects.Output {
        await respond(Operations.ListProjects.Output.default) { () throws(ServiceError) in
            let page = try await tenants().projects(in: input.path.org, try Cursor.page(input.query.cursor, input.query.limit))
            return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Project.init), nextCursor: Cursor.encode(page.next)))))
        }
    }

    func createProject(_ input: Operations.CreateProject.Input) async throws -> Operations.CreateProject.Output {
        await respond(Operations.CreateProject.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            return .created(.init(body: .json(.init(try await tenants().createProject(body.name, in: input.path.org)))))
        }
    }

    func getProject(_ input: Operations.GetProject.Input) async throws -> Operations.GetProject.Output {
        await respond(Operations.GetProject.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(.init(try await tenants().project(input.path.project, in: input.path.org)))))
        }
    }
}
