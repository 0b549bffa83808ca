import DharmaTestKit
import Foundation
import Testing

/// Bearer JWTs from a real OpenID provider process (PyPI's oidc-provider-mock): the server
/// verifies them against the issuer's JWKS and maps the user and groups claims.
@Suite("Server: OIDC", .serialized)
struct OIDCTests {
    /// An oidc-provider-mock process on a free port.
    final class Provider: Sendable {
        let process: Process
        let issuer: String

        init() async throws {
            let port = try freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["oidc-provider-mock", "--port", String(port)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.start()
            self.process = process
            issuer = "http://127.0.0.1:\(port)"
            try await waitFor("oidc-provider-mock to answer on \(port)", timeout: 60) {
                guard process.isRunning else { throw ServerTestError("oidc-provider-mock exited; is it installed (.ci/run puts it in .build/validators)?") }
                return try await RawHTTP.plain("http://127.0.0.1:\(port)/.well-known/openid-configuration") == 200
            }
        }

        /// An ID token for `sub`, issued to `client`, after the login form and the code exchange.
        func idToken(sub: String, client: String = "dharma", claims: [String: Any]) async throws -> String {
            let json = String(decoding: try JSONSerialization.data(withJSONObject: claims), as: UTF8.self)
            let (status, output) = try await TLSTests.run(
                "/usr/bin/env", ["python3", TestPaths.repository + "/Tests/DharmaServerTests/Fixtures/oidc_token.py", issuer, client, sub, json])
            guard status == 0 else { throw ServerTestError("no ID token: \(output)") }
            return output.split(separator: "\n").last.map(String.init) ?? ""
        }

        func stop() { process.stop() }
    }

    @Test(
        "an ID token from the configured issuer signs a server user in, its groups claim granting ORG:ROLE; a token for another audience, a tampered one or an unknown user is 401"
    )
    func idTokens() async throws {
        let provider = try await Provider()
        defer { provider.stop() }
        let server = try await ServerProcess(arguments: ["--oidc-issuer", provider.issuer, "--oidc-audience", "dharma"])
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        try await server.withClient { _ = try await $0.api.createUser(body: .json(.init(name: "oidc-alice"))).created }

        let token = try await provider.idToken(sub: "alice", claims: ["preferred_username": "oidc-alice", "groups": ["acme:operator", "nowhere:bogus"]])
        let me = try await RawHTTP.send(.GET, server.url + "/v1/me", ca: server.ca, token: token)
        #expect(me.status == 200 && me.body.contains("\"name\":\"oidc-alice\"") && me.body.contains("\"role\":\"operator\""), "\(me.body)")
        let planned = try await RawHTTP.send(
            .POST, server.url + "/v1/orgs/acme/stacks/shop.dev/runs", ca: server.ca, token: token, body: "{\"kind\": \"plan_only\"}")
        #expect(planned.status == 201, "the operator group may plan: \(planned.body)")
        let admin = try await RawHTTP.send(.GET, server.url + "/v1/orgs/acme/webhooks/whk-0000000000000000", ca: server.ca, token: token)
        #expect(admin.status == 403 || admin.status == 404, "an operator is no admin")
        let outside = try await RawHTTP.send(.GET, server.url + "/v1/orgs/globex/stacks", ca: server.ca, token: token)
        #expect(outside.status == 404)

        let otherAudience = try await provider.idToken(sub: "alice", client: "someone-else", claims: ["preferred_username": "oidc-alice"])
        #expect(try await RawHTTP.send(.GET, server.url + "/v1/me", ca: server.ca, token: otherAudience).status == 401)
        var tampered = Array(token)
        tampered[tampered.count - 5] = tampered[tampered.count - 5] == "A" ? "B" : "A"
        #expect(try await RawHTTP.send(.GET, server.url + "/v1/me", ca: server.ca, token: String(tampered)).status == 401)
        let stranger = try await provider.idToken(sub: "mallory", claims: ["preferred_username": "mallory", "groups": ["acme:admin"]])
        #expect(try await RawHTTP.send(.GET, server.url + "/v1/me", ca: server.ca, token: stranger).status == 401, "a user the server does not know")
        _ = tenants
    }
}
