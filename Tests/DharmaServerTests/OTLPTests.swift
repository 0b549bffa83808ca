import DharmaTestKit
import Foundation
import Testing

/// OTLP/HTTP metrics ingest, fed by the OpenTelemetry Python SDK's own exporter (protobuf) and
/// by a JSON request, read back with the metrics query API.
@Suite("Server: OTLP ingest", .serialized)
struct OTLPTests {
    static func query(_ server: ServerProcess, _ query: String, token: String?) async throws -> [[String: Any]] {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let answer = try await RawHTTP.send(.GET, server.url + "/v1/orgs/acme/metrics?since=1h&query=" + encoded, ca: server.ca, token: token)
        guard answer.status == 200 else { throw ServerTestError("query answered \(answer.status): \(answer.body)") }
        return ((try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])?["rows"] as? [[String: Any]]) ?? []
    }

    @Test("the OpenTelemetry SDK exports to SERVER/otlp with its standard variables; a JSON request too; the points are queryable; a viewer may not write")
    func ingest() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let token = try #require(tenants.tokens["operator-user"])
        let environment = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": server.url + "/otlp", "OTEL_EXPORTER_OTLP_CERTIFICATE": server.ca,
            "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20\(token),X-Dharma-Org=acme",
        ]
        // requests lets REQUESTS_CA_BUNDLE (set machine-wide here) win over the exporter's
        // certificate, so the child runs without it, as an exporter configured only by OTEL_* would.
        let (status, output) = try await TLSTests.run(
            "/usr/bin/env",
            ["-u", "REQUESTS_CA_BUNDLE", "-u", "CURL_CA_BUNDLE"] + environment.map { "\($0.key)=\($0.value)" }
                + ["python3", TestPaths.repository + "/Tests/DharmaServerTests/Fixtures/otlp_export.py"])
        #expect(status == 0 && output.contains("exported") && !output.contains("Failed to export"), "\(output)")

        let viewer = tenants.tokens["viewer-user"]
        let orders = try await Self.query(server, "orders_total{service_name=\"checkout\"}", token: viewer)
        #expect(orders.count == 1 && orders.first?["value"] as? Double == 7, "\(orders)")
        #expect((orders.first?["labels"] as? [String: String])?["region"] == "eu")
        let depth = try await Self.query(server, "queue_depth", token: viewer)
        #expect(depth.first?["value"] as? Double == 42.5 && (depth.first?["labels"] as? [String: String])?["queue"] == "payments", "\(depth)")

        let now = UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
        let json = """
            {"resourceMetrics": [{"resource": {"attributes": [{"key": "dharma.organisation", "value": {"stringValue": "acme"}}]},
              "scopeMetrics": [{"metrics": [{"name": "json_temperature", "gauge": {"dataPoints": [{"timeUnixNano": "\(now)", "asDouble": 21.5}]}}]}]}]}
            """
        let posted = try await RawHTTP.send(.POST, server.url + "/otlp/v1/metrics", ca: server.ca, token: token, body: json)
        #expect(posted.status == 200, "\(posted.body)")
        #expect(try await Self.query(server, "json_temperature", token: viewer).first?["value"] as? Double == 21.5)

        let refused = try await RawHTTP.send(.POST, server.url + "/otlp/v1/metrics", ca: server.ca, token: viewer, body: json)
        #expect(refused.status == 403, "a viewer may not write metrics: \(refused.body)")
        let garbage = try await RawHTTP.send(
            .POST, server.url + "/otlp/v1/metrics", ca: server.ca, token: token, body: "not protobuf", contentType: "application/x-protobuf")
        #expect(garbage.status == 400)
    }
}
