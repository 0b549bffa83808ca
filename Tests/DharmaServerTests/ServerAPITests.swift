import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

@Suite("Server: the API's edges", .serialized)
struct ServerAPITests {
    @Test("the first start writes a 0600 admin token and prints the certificate's fingerprint; only /healthz, /openapi.json and /docs answer without a token")
    func firstStart() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let attributes = try FileManager.default.attributesOfItem(atPath: server.data + "/admin-token")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(server.adminToken.hasPrefix("dharma_") && server.adminToken.count == 50)
        #expect(server.log.contains("the admin token is in \(server.data)/admin-token"))

        // The printed fingerprint is the served certificate's, as openssl computes it.
        let fingerprint = try openssl(["x509", "-in", server.data + "/tls/server.pem", "-noout", "-fingerprint", "-sha256"])
        #expect(fingerprint.contains(server.fingerprint) && server.fingerprint.count == 95, "\(fingerprint) vs \(server.fingerprint)")

        for path in ["/healthz", "/openapi.json", "/docs"] {
            let response = try await RawHTTP.send(.GET, server.url + path, ca: server.ca)
            #expect(response.status == 200, "\(path): \(response.status)")
        }
        let spec = try await RawHTTP.send(.GET, server.url + "/openapi.json", ca: server.ca)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(spec.body.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let docs = try await RawHTTP.send(.GET, server.url + "/docs", ca: server.ca)
        #expect(docs.body.contains("createRun") && docs.body.contains("/v1/orgs/{org}/runs/{run}/approve"))

        for token in [nil, "dharma_" + String(repeating: "A", count: 43), "not-a-token"] {
            let response = try await RawHTTP.send(.GET, server.url + "/v1/orgs", ca: server.ca, token: token)
            #expect(response.status == 401)
            #expect(response.headers["www-authenticate"] == "Bearer realm=\"dharma\"")
            #expect((response.headers["content-type"] ?? "").hasPrefix("application/problem+json"))
            #expect(response.body.contains("\"code\":\"unauthenticated\""))
        }
        // Prometheus metrics, for a server administrator's token only; logs are JSON lines.
        _ = try await RawHTTP.send(.GET, server.url + "/v1/me", ca: server.ca, token: server.adminToken)
        let metrics = try await RawHTTP.send(.GET, server.url + "/metrics", ca: server.ca, token: server.adminToken)
        #expect(metrics.status == 200 && metrics.body.contains("http_server_request_duration_bucket{http_route=\"/v1/me\""), "\(metrics.body.prefix(500))")
        #expect(try await RawHTTP.send(.GET, server.url + "/metrics", ca: server.ca).status == 401)
        let logLine = try #require(server.log.split(separator: "\n").first { $0.hasPrefix("{") })
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(logLine.utf8)) as? [String: Any])
        #expect(entry["level"] as? String == "info" && entry["message"] as? String != nil)

        // A restart keeps the data and writes no second token.
        server.kill()
        let again = try await ServerProcess(data: server.data)
        defer { again.kill() }
        #expect(!again.log.contains("admin token"))
        #expect(try await RawHTTP.send(.GET, again.url + "/v1/me", ca: again.ca, token: server.adminToken).status == 200)
    }

    @Test("a blueprint with errors is refused with validate's FILE:LINE:COL diagnostics; another stack's blueprint names the field")
    func blueprintErrors() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        _ = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let broken = fileBlueprint().replacingOccurrences(of: "storage.file", with: "storage.flie")
        let upload = try await RawHTTP.send(
            .POST, server.url + "/v1/orgs/acme/stacks/shop.dev/blueprints", ca: server.ca, token: server.adminToken, body: broken,
            contentType: "application/yaml")
        #expect(upload.status == 422)
        let problem = try #require(try JSONSerialization.jsonObject(with: Data(upload.body.utf8)) as? [String: Any])
        #expect(problem["code"] as? String == "invalid-blueprint")
        let diagnostics = problem["diagnostics"] as? [[String: Any]] ?? []
        let rendered = diagnostics.compactMap { $0["rendered"] as? String }.joined()
        #expect(rendered.contains("blueprint.yaml:7:11: error[E016]: unknown resource type `storage.flie`"), "\(rendered)")
        #expect(rendered.contains("storage.file"), "the hint suggests the type meant")

        // validate answers the same diagnostics the CLI prints for the same text.
        let file = Scratch.path("broken", suffix: ".yaml")
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        let local = try await runDharmaStatus(["validate", file])
        let validated = try await RawHTTP.send(
            .POST, server.url + "/v1/orgs/acme/validate", ca: server.ca, token: server.adminToken, body: broken, contentType: "application/yaml")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(validated.body.utf8)) as? [String: Any])
        #expect(result["valid"] as? Bool == false)
        let served = (result["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["rendered"] as? String }.joined()
        #expect(
            local.stdout.contains(served.replacingOccurrences(of: "blueprint.yaml", with: file).trimmingCharacters(in: .newlines)), "\(local.stdout)\n\(served)"
        )

        let otherStack = try await RawHTTP.send(
            .POST, server.url + "/v1/orgs/acme/stacks/shop.dev/blueprints", ca: server.ca, token: server.adminToken,
            body: fileBlueprint(environment: "prod"), contentType: "application/yaml")
        #expect(otherStack.status == 400)
        let refusal = try #require(try JSONSerialization.jsonObject(with: Data(otherStack.body.utf8)) as? [String: Any])
        #expect(refusal["pointer"] as? String == "/metadata/environment", "\(otherStack.body)")
    }

    @Test(
        "malformed requests get problem documents: bad JSON, a limit out of range, an unknown route, another method, a body over the limit")
    func malformed() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let token = server.adminToken
        let badJSON = try await RawHTTP.send(.POST, server.url + "/v1/orgs", ca: server.ca, token: token, body: "{\"name\": 7}")
        #expect(badJSON.status == 400 && badJSON.body.contains("invalid-request"), "\(badJSON.body)")
        let badName = try await RawHTTP.send(.POST, server.url + "/v1/orgs", ca: server.ca, token: token, body: "{\"name\": \"Not A Name\"}")
        #expect(badName.status == 400 && (badName.headers["content-type"] ?? "").hasPrefix("application/problem+json"), "\(badName.body)")
        let badLimit = try await RawHTTP.send(.GET, server.url + "/v1/orgs?limit=500", ca: server.ca, token: token)
        #expect(badLimit.status == 400 && badLimit.body.contains("\"pointer\":\"/limit\""), "\(badLimit.body)")
        // A cursor the server did not give still names a page: the items after it.
        let foreignCursor = try await RawHTTP.send(.GET, server.url + "/v1/orgs?cursor=zzz", ca: server.ca, token: token)
        #expect(foreignCursor.status == 200, "\(foreignCursor.body)")
        let otherMethod = try await RawHTTP.send(.PATCH, server.url + "/v1/orgs", ca: server.ca, token: token, body: "{}")
        #expect(otherMethod.status == 405 && otherMethod.headers["allow"] == "GET, POST", "\(otherMethod.status) \(otherMethod.headers)")
        let unknown = try await RawHTTP.send(.GET, server.url + "/v1/nothing-here", ca: server.ca, token: token)
        #expect(unknown.status == 404 && unknown.body.contains("not-found"))
        let huge = String(repeating: "x", count: 5 << 20)
        let tooLarge = try await RawHTTP.send(
            .POST, server.url + "/v1/orgs/acme/validate", ca: server.ca, token: token, body: huge, contentType: "application/yaml")
        #expect(tooLarge.status == 413 && tooLarge.body.contains("body-too-large"))
    }

    @Test("a token over its rate limit gets 429 with Retry-After")
    func rateLimited() async throws {
        // 5 a minute refills one every 12 s: 30 requests in a row find the bucket empty however
        // slow a loaded machine makes each one.
        let server = try await ServerProcess(arguments: ["--rate-limit", "5"])
        defer { server.kill() }
        var limited: (status: Int, headers: [String: String], body: String)?
        for _ in 0..<30 {
            let response = try await RawHTTP.send(.GET, server.url + "/v1/me", ca: server.ca, token: server.adminToken)
            if response.status == 429 {
                limited = response
                break
            }
        }
        let refused = try #require(limited, "5 requests a minute allowed 30 in a row")
        #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(refused.body.contains("rate-limited"))
    }

    @Test("tokens: the secret is shown once, listed without it, and refused once revoked")
    func tokens() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let made = try await server.withClient { client in
            try await client.api.createToken(body: .json(.init(name: "ci", expiresInDays: 30))).created.body.json
        }
        #expect(made.secret.hasPrefix("dharma_"))
        #expect(try await RawHTTP.send(.GET, server.url + "/v1/me", ca: server.ca, token: made.secret).status == 200)
        let listing = try await RawHTTP.send(.GET, server.url + "/v1/tokens", ca: server.ca, token: made.secret)
        #expect(listing.body.contains(made.token.id) && !listing.body.contains(made.secret))
        #expect(listing.body.contains("last_used_at"))
        let revoked = try await RawHTTP.send(.DELETE, server.url + "/v1/tokens/\(made.token.id)", ca: server.ca, token: server.adminToken)
        #expect(revoked.status == 204)
        #expect(try await RawHTTP.send(.GET, server.url + "/v1/me", ca: server.ca, token: made.secret).status == 401)
        // The database holds hashes only.
        let database = try Data(contentsOf: URL(fileURLWithPath: server.data + "/control.db"))
        #expect(database.range(of: Data(made.secret.utf8)) == nil)
    }
}

func openssl(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.start()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
