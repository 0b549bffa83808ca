import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

/// Custom roles: an organisation's admins define sets of permissions, and members hold them as
/// they hold the built-in roles; every service checks the permissions the role grants now.
@Suite("Server: custom roles", .serialized)
struct CustomRoleTests {
    @Test(
        "a deployer (read, plan, apply) plans and applies but cannot approve or administer; narrowing the role takes effect at once; a held role cannot be removed"
    )
    func deployer() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let token = try await server.withClient { admin in
            _ = try await admin.api.createUser(body: .json(.init(name: "dana"))).created
            return try await admin.api.createToken(body: .json(.init(name: "test", user: "dana"))).created.body.json.secret
        }
        try await server.withClient(token: tenants.tokens["admin-user"]) { admin in
            let undefined = try await admin.api.setMember(path: .init(org: "acme", user: "dana"), body: .json(.init(role: "deployer")))
            #expect(AuthorisationTests.status(undefined) == 422, "a role must be defined before anyone holds it")
            let builtIn = try await admin.api.setRole(path: .init(org: "acme", role: "viewer"), body: .json(.init(permissions: [.apply])))
            #expect(AuthorisationTests.status(builtIn) == 409, "built-in roles are fixed")

            let defined = try await admin.api.setRole(path: .init(org: "acme", role: "deployer"), body: .json(.init(permissions: [.apply, .read, .plan])))
                .ok.body.json
            #expect(defined.permissions == [.read, .plan, .apply] && !defined.builtIn)
            _ = try await admin.api.setMember(path: .init(org: "acme", user: "dana"), body: .json(.init(role: "deployer"))).ok
            let roles = try await admin.api.listRoles(path: .init(org: "acme")).ok.body.json.items
            #expect(roles.map(\.name) == ["viewer", "operator", "approver", "admin", "deployer"])
        }
        try await server.withClient(token: tenants.tokens["operator-user"]) { operatorClient in
            let refused = try await operatorClient.api.setRole(path: .init(org: "acme", role: "sneaky"), body: .json(.init(permissions: [.administer])))
            #expect(AuthorisationTests.status(refused) == 403, "only admins define roles")
        }

        try await server.withClient(token: token) { dana in
            let run = try await RunTests.waitForRun(try await RunTests.queue(.apply, "shop.dev", on: dana).id, to: [.applied, .errored], on: dana)
            #expect(run.state == .applied, "\(run.error ?? "")")
            let variable = try await dana.api.setVariable(path: .init(org: "acme", stack: "shop.dev", name: "region"), body: .json(.init(value: "eu")))
            #expect(AuthorisationTests.status(variable) == 403, "a deployer does not administer")
            let me = try await dana.api.getCurrentUser().ok.body.json
            #expect(me.memberships.map(\.role) == ["deployer"])
        }

        try await server.withClient(token: tenants.tokens["admin-user"]) { admin in
            _ = try await admin.api.setRole(path: .init(org: "acme", role: "deployer"), body: .json(.init(permissions: [.read, .plan]))).ok
            let held = try await admin.api.removeRole(path: .init(org: "acme", role: "deployer"))
            #expect(AuthorisationTests.status(held) == 409, "dana holds it")
        }
        try await server.withClient(token: token) { dana in
            let refused = try await dana.api.createRun(path: .init(org: "acme", stack: "shop.dev"), body: .json(.init(kind: .apply)))
            #expect(AuthorisationTests.status(refused) == 403, "the narrowed role no longer applies")
            _ = try await dana.api.createRun(path: .init(org: "acme", stack: "shop.dev"), body: .json(.init(kind: .planOnly))).created
        }
        try await server.withClient(token: tenants.tokens["admin-user"]) { admin in
            _ = try await admin.api.setMember(path: .init(org: "acme", user: "dana"), body: .json(.init(role: "viewer"))).ok
            _ = try await admin.api.removeRole(path: .init(org: "acme", role: "deployer")).noContent
            let entries = try await admin.api.listAuditEntries(path: .init(org: "acme")).ok.body.json.items
            #expect(entries.contains { $0.action == "role-set" && $0.reason.contains("deployer grants read, plan, apply") })
            #expect(entries.contains { $0.action == "role-removed" && $0.reason == "deployer" })
        }
    }
}
