import DharmaAPI
import DharmaAudit
import DharmaClient
import DharmaNet
import DharmaTestKit
import Foundation
import Hummingbird
import Synchronization
import Testing

/// Project webhooks against a real HTTP receiver: signed deliveries, retries after 5xx, a 4xx
/// that ends a delivery, the delivery log, redelivery and ping, for admins only.
@Suite("Server: webhooks", .serialized)
struct WebhookTests {
    /// A receiver that records every POST and answers 500 to the first `failures` on `/hook`,
    /// 410 on `/gone`.
    final class Receiver: Sendable {
        struct Received: Sendable {
            var path: String
            var body: Data
            var headers: [String: String]
            var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
        }

        /// What the receiver saw, and how many more requests it fails.
        final class Record: Sendable {
            let received = Mutex<[Received]>([])
            let failuresLeft: Mutex<Int>
            init(failures: Int) { failuresLeft = Mutex(failures) }
        }

        let port: Int
        let record: Record
        private let task = Mutex<Task<Void, any Error>?>(nil)

        init(failures: Int) async throws {
            port = try freePort()
            let record = Record(failures: failures)
            self.record = record
            let router = Router()
            router.post("{path}") { request, context -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
                let path = context.parameters.get("path") ?? ""
                record.received.withLock { $0.append(Received(path: path, body: Data(buffer: body), headers: headers)) }
                if path == "gone" { return Response(status: .gone) }
                let fail = record.failuresLeft.withLock { left in
                    defer { left = max(0, left - 1) }
                    return left > 0
                }
                return Response(status: fail ? .internalServerError : .ok)
            }
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
            task.withLock { $0 = Task { try await app.runService() } }
            try await waitFor("the webhook receiver to listen on \(port)", timeout: 60) { ReadinessProbe.tcpAccepts(port: port) }
        }

        var all: [Received] { record.received.withLock { $0 } }

        func stop() {
            task.withLock { $0?.cancel() }
        }
    }

    static let secret = "a-shared-secret-of-some-length"

    @Test(
        "a run's transitions reach the project's webhook signed, the first two after a 500 each; the log shows every attempt; redeliver and ping send again; 410 ends a delivery"
    )
    func deliveries() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let receiver = try await Receiver(failures: 2)
        defer { receiver.stop() }
        let base = "http://127.0.0.1:\(receiver.port)"

        let (hook, gone) = try await server.withClient(token: tenants.tokens["admin-user"]) { admin in
            let hook = try await admin.api.createWebhook(
                path: .init(org: "acme", project: "web"), body: .json(.init(url: base + "/hook", secret: Self.secret, events: [.run_transition]))
            ).created.body.json
            let gone = try await admin.api.createWebhook(
                path: .init(org: "acme", project: "web"), body: .json(.init(url: base + "/gone", secret: Self.secret, events: [.run_transition]))
            ).created.body.json
            #expect(hook.events == ["run.transition"])
            return (hook, gone)
        }
        try await server.withClient(token: tenants.tokens["operator-user"]) { client in
            let refused = try await client.api.createWebhook(
                path: .init(org: "acme", project: "web"), body: .json(.init(url: base + "/hook", secret: Self.secret)))
            #expect(AuthorisationTests.status(refused) == 403)
            _ = try await RunTests.queue(.planOnly, "shop.dev", on: client)
        }
        let states = ["planning", "planned", "policy_checked", "cost_estimated", "planned_and_finished"]
        try await waitFor("the five transitions delivered to /hook", timeout: 90) {
            let delivered = Set(receiver.all.filter { $0.path == "hook" }.compactMap { ($0.json["payload"] as? [String: Any])?["state"] as? String })
            return delivered.isSuperset(of: states)
        }
        for received in receiver.all {
            #expect(received.headers["x-dharma-signature"] == AuditWebhook.signature(of: received.body, secret: Data(Self.secret.utf8)))
            #expect(received.headers["x-dharma-event"] == "run.transition")
            #expect(received.json["project"] as? String == "web" && received.json["stack"] as? String == "shop.dev")
        }

        try await server.withClient(token: tenants.tokens["admin-user"]) { admin in
            var log: [Components.Schemas.WebhookDelivery] = []
            try await waitFor("every delivery to /hook settled", timeout: 90) {
                log = try await admin.api.listWebhookDeliveries(path: .init(org: "acme", webhook: hook.id)).ok.body.json.items
                return log.count == 5 && log.allSatisfy { $0.state == .delivered }
            }
            #expect(log.map(\.attempts).reduce(0, +) == 7, "two deliveries took a second attempt after a 500: \(log.map(\.attempts))")
            #expect(log.allSatisfy { $0.lastStatus == 200 })

            var refusedLog: [Components.Schemas.WebhookDelivery] = []
            try await waitFor("every delivery to /gone failed", timeout: 90) {
                refusedLog = try await admin.api.listWebhookDeliveries(path: .init(org: "acme", webhook: gone.id)).ok.body.json.items
                return refusedLog.count == 5 && refusedLog.allSatisfy { $0.state == .failed }
            }
            #expect(refusedLog.allSatisfy { $0.attempts == 1 && $0.lastStatus == 410 }, "a 410 is final: no retries")

            let original = try #require(log.first)
            let again = try await admin.api.redeliverWebhookDelivery(path: .init(org: "acme", webhook: hook.id, delivery: original.id)).accepted.body
                .json
            #expect(again.redeliveryOf == original.id && again.id != original.id)
            let ping = try await admin.api.pingWebhook(path: .init(org: "acme", webhook: hook.id)).accepted.body.json
            try await waitFor("the redelivery and the ping received", timeout: 60) {
                let ids = Set(receiver.all.compactMap { $0.headers["x-dharma-delivery"] })
                return ids.contains(again.id) && ids.contains(ping.id)
            }
            let bodies = receiver.all.filter { $0.headers["x-dharma-delivery"] == again.id || $0.headers["x-dharma-delivery"] == original.id }
            #expect(Set(bodies.map(\.body)).count == 1, "a redelivery sends the same bytes")
            #expect(receiver.all.contains { $0.headers["x-dharma-event"] == "ping" && $0.json["webhook"] as? String == hook.id })

            _ = try await admin.api.deleteWebhook(path: .init(org: "acme", webhook: hook.id)).noContent
            let deleted = try await admin.api.getWebhook(path: .init(org: "acme", webhook: hook.id))
            #expect(AuthorisationTests.status(deleted) == 404)
        }
        try await server.withClient(token: tenants.tokens["outsider"]) { outsider in
            let hidden = try await outsider.api.getWebhook(path: .init(org: "acme", webhook: gone.id))
            #expect(AuthorisationTests.status(hidden) == 404)
        }
    }
}
