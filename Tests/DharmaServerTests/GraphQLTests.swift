import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

/// `/graphql` reads stacks, runs, resources, incidents and audit entries through the same
/// services as REST: the same roles, and another organisation is "not found".
@Suite("Server: GraphQL", .serialized)
struct GraphQLTests {
    static func query(_ server: ServerProcess, _ query: String, token: String?) async throws -> (status: Int, json: [String: Any]) {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["query": query]), as: UTF8.self)
        let answer = try await RawHTTP.send(.POST, server.url + "/graphql", ca: server.ca, token: token, body: body)
        return (answer.status, (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]) ?? [:])
    }

    @Test("a viewer reads a stack's runs, resources and the audit log in one query; an outsider gets not-found errors, no data; no token is 401")
    func readsThroughTheServices() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let run = try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            try await RunTests.waitForRun(try await RunTests.queue(.apply, "shop.dev", on: client).id, to: [.applied], on: client)
        }
        let document = """
            { stacks(org: "acme") { reference project runs(limit: 5) { id state actor } resources { name type } incidents { id } }
              auditEntries(org: "acme", limit: 50) { action actor } }
            """
        let viewer = try await Self.query(server, document, token: tenants.tokens["viewer-user"])
        #expect(viewer.status == 200 && viewer.json["errors"] == nil, "\(viewer.json)")
        let data = viewer.json["data"] as? [String: Any] ?? [:]
        let stacks = data["stacks"] as? [[String: Any]] ?? []
        #expect(stacks.map { $0["reference"] as? String } == ["shop.dev"])
        let runs = stacks.first?["runs"] as? [[String: Any]] ?? []
        #expect(runs.first?["id"] as? String == run.id && runs.first?["state"] as? String == "applied" && runs.first?["actor"] as? String == "operator-user")
        #expect((stacks.first?["resources"] as? [[String: Any]])?.map { $0["name"] as? String } == ["greeting"])
        let audit = data["auditEntries"] as? [[String: Any]] ?? []
        #expect(audit.contains { $0["action"] as? String == "apply" && $0["actor"] as? String == "operator-user" }, "\(audit)")

        let outsider = try await Self.query(server, "{ stack(org: \"acme\", reference: \"shop.dev\") { name } }", token: tenants.tokens["outsider"])
        let errors = outsider.json["errors"] as? [[String: Any]] ?? []
        #expect(outsider.json["data"] is NSNull || outsider.json["data"] == nil, "\(outsider.json)")
        #expect((errors.first?["extensions"] as? [String: Any])?["code"] as? String == "not-found", "\(outsider.json)")
        #expect(errors.first?["message"] as? String == "organisation `acme` not found")

        let anonymous = try await Self.query(server, "{ organisations { name } }", token: nil)
        #expect(anonymous.status == 401)
        let malformed = try await Self.query(server, "{ stacks(org: ", token: tenants.tokens["viewer-user"])
        #expect(malformed.status == 400 && (malformed.json["errors"] as? [[String: Any]])?.isEmpty == false)
    }
}
