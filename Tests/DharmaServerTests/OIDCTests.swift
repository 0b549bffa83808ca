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

extension OIDCTests {
    @Test(
        "the console signs a server user in through the provider's own login form (authorisation code, PKCE, state and nonce), their groups granting ORG:ROLE; an unknown user, a foreign or stale answer is refused and audited"
    )
    func consoleSignIn() async throws {
        let provider = try await Provider()
        defer { provider.stop() }
        // A confidential client, as the provider's token endpoint requires: the secret from a file.
        let secret = Scratch.path("client-secret", suffix: ".txt")
        try "console client secret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let server = try await ServerProcess(arguments: [
            "--oidc-issuer", provider.issuer, "--oidc-audience", "dharma", "--oidc-client-secret-file", secret,
        ])
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        try await server.withClient { _ = try await $0.api.createUser(body: .json(.init(name: "oidc-alice"))).created }

        let script = TestPaths.repository + "/Tests/DharmaServerTests/Fixtures/console_oidc.py"
        let shots = TestPaths.repository + "/.build/console-screenshots"
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let (status, output, errors) = try await ConsoleBrowserTests.run([
            "python3", script, "--url", server.url, "--issuer", provider.issuer, "--shots", shots,
        ])
        try #require(status == 0, "the browser script failed:\n\(errors.suffix(3000))")
        let seen = try JSONDecoder().decode([String: ConsoleBrowserTests.Value].self, from: Data(output.utf8))
        let sentTo = try #require(seen["providerURLs"]?.texts.first.flatMap { URLComponents(string: $0) }, "\(seen)")
        let query = Dictionary(uniqueKeysWithValues: (sentTo.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(sentTo.path == "/oauth2/authorize" && query["response_type"] == "code" && query["client_id"] == "dharma", "\(query)")
        #expect(query["code_challenge_method"] == "S256" && query["code_challenge"]?.count == 43, "PKCE with S256: \(query)")
        #expect(query["state"]?.count == 64 && query["nonce"]?.count == 64 && query["state"] != query["nonce"], "\(query)")
        #expect(query["redirect_uri"] == server.url + "/console/oidc/callback", "\(query)")
        #expect(seen["who"]?.text == "oidc-alice", "signed in as the provider's user: \(seen)")
        #expect(
            seen["organisations"]?.texts.contains { $0.hasPrefix("acme") && $0.contains("operator") } == true,
            "the groups claim made her an operator in acme: \(seen)")
        #expect(
            seen["cookies"]?.texts.contains("dharma_session") == true && seen["cookies"]?.texts.contains("dharma_oidc") == false,
            "a session, and the attempt's cookie spent: \(seen)")
        #expect(seen["malloryError"]?.text?.contains("names no user of this server") == true, "\(seen)")
        #expect(seen["malloryCookies"]?.texts.contains("dharma_session") == false, "mallory has no session: \(seen)")

        // An answer this browser did not ask for, and one for another attempt, are refused.
        let callback = server.url + "/console/oidc/callback?state=" + String(repeating: "a", count: 64) + "&code=stolen"
        let foreign = try await ConsoleBrowserTests.run(["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", callback]).output
        #expect(foreign == "400", "no attempt in this browser: \(foreign)")
        let attempt = [String](repeating: String(repeating: "b", count: 64), count: 3).joined(separator: ".")
        let otherState = try await ConsoleBrowserTests.run([
            "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "-b", "dharma_oidc=\(attempt)", callback,
        ]).output
        #expect(otherState == "400", "the state is another attempt's: \(otherState)")

        let audit = try await runDharma(["audit", "log", "--state", server.data + "/server/dharma.db", "--json"])
        #expect(audit.contains("signed in through \(provider.issuer); its groups grant operator in acme"), "alice's sign-in is audited")
        #expect(audit.contains("names no user") || audit.contains("`mallory` is not a user"), "mallory's refusal is audited")
        #expect(audit.contains("the state does not match"), "the forged answer is audited")
        _ = tenants
    }
}
