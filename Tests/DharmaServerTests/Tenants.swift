import DharmaAPI
import DharmaClient
import Foundation

/// Two organisations with a member of each role in the first, and an outsider who belongs
/// only to the second: what the authorisation tests need.
struct Tenants {
    var tokens: [String: String] = [:]
    static let roles: [Components.Schemas.Role] = ["viewer", "operator", "approver", "admin"]

    /// `acme` (project `web`, stack `shop.dev`, with a blueprint) holds `viewer-user`,
    /// `operator-user`, `approver-user` and `admin-user`, each with that role; `globex` holds `outsider` as admin.
    static func make(on server: ServerProcess, blueprint: String) async throws -> Tenants {
        let admin = try server.client()
        do {
            let tenants = try await make(api: admin.api, blueprint: blueprint)
            await admin.shutdown()
            return tenants
        } catch {
            await admin.shutdown()
            throw error
        }
    }

    private static func make(api: Client, blueprint: String) async throws -> Tenants {
        _ = try await api.createOrganisation(body: .json(.init(name: "acme"))).created
        _ = try await api.createOrganisation(body: .json(.init(name: "globex"))).created
        var tenants = Tenants()
        for (user, role, organisation) in roles.map({ ("\($0)-user", $0, "acme") }) + [("outsider", "admin", "globex")] {
            _ = try await api.createUser(body: .json(.init(name: user))).created
            _ = try await api.setMember(path: .init(org: organisation, user: user), body: .json(.init(role: role))).ok
            let token = try await api.createToken(body: .json(.init(name: "test", user: user))).created.body.json
            tenants.tokens[user] = token.secret
        }
        _ = try await api.createProject(path: .init(org: "acme"), body: .json(.init(name: "web"))).created
        _ = try await api.createStack(path: .init(org: "acme"), body: .json(.init(project: "web", name: "shop", environment: "dev"))).created
        _ = try await api.uploadBlueprint(path: .init(org: "acme", stack: "shop.dev"), body: .yaml(.init(blueprint))).created
        _ = try await api.createProject(path: .init(org: "globex"), body: .json(.init(name: "ops"))).created
        return tenants
    }
}

/// A blueprint of one file resource, named `shop` in `environment`.
func fileBlueprint(environment: String = "dev", content: String = "hello", extra: String = "") -> String {
    """
    apiVersion: dharma.dev/v3
    kind: Blueprint
    metadata: {name: shop, environment: \(environment)}
    target: {provider: local, region: local-1}
    \(extra)resources:
      greeting:
        type: storage.file
        properties: {path: data/greeting.txt, content: "\(content)", mode: "0644"}
    """
}
