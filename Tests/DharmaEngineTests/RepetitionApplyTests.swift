import DharmaCore
import DharmaEngine
import DharmaNet
import DharmaProviders
import DharmaTestKit
import DharmaTestSupport
import Foundation
import Testing

/// Copies made by `count` and `forEach` on the local runtime, for every kind of resource it runs.
@Suite("Engine: count and forEach on the local runtime", .serialized)
struct RepetitionApplyTests {
    @Test("files, buckets, secrets, certificates, services and databases are applied as copies, addressed app[0] and app[\"key\"], and destroyed")
    func everyLocalType() async throws {
        let port = try #require(PortAllocator.freePort()), secondPort = try #require(PortAllocator.freePort())
        let project = try ScratchProject(
            blueprint(
                """
                  shard: {type: storage.file, count: 3, properties: {path: "shards/${self.index}.json", content: "{\\"shard\\": ${self.index}}"}}
                  store: {type: storage.bucket, forEach: [eu, us], properties: {path: "buckets/${self.key}"}}
                  token: {type: security.secret, forEach: {api: 24, ui: 16}, properties: {path: "secrets/${self.key}", length: "${self.value}"}}
                  tls: {type: security.certificate, count: 2, properties: {domains: ["node${self.index}.local"]}}
                  worker:
                    type: compute.service
                    count: 2
                    properties:
                      command: [\(TestPaths.dharma), workload, --port, "${self.port}"]
                      health: {http: /healthz, timeout: 20s}
                      stopGracePeriod: 2s
                  db:
                    type: database.postgres
                    forEach: {orders: \(port), users: \(secondPort)}
                    properties: {port: "${self.value}", deletionProtection: false}
                  index: {type: storage.file, properties: {path: index.txt, content: "${worker[1].url} ${db[\\"users\\"].url}"}}
                """))
        try await project.destroyingAfter {
            let report = try await project.apply()
            #expect(report.ok, "\(report.failed)")
            let state = try await project.engine.loadState(try project.prepare().stack)
            #expect(
                state.resources.keys.sorted() == [
                    #"db["orders"]"#, #"db["users"]"#, "index", "shard[0]", "shard[1]", "shard[2]", #"store["eu"]"#, #"store["us"]"#,
                    "tls[0]", "tls[1]", #"token["api"]"#, #"token["ui"]"#, "worker[0]", "worker[1]",
                ])
            #expect(try String(contentsOfFile: project.directory + "/shards/2.json", encoding: .utf8) == #"{"shard": 2}"#)
            #expect(try String(contentsOfFile: project.directory + "/secrets/api", encoding: .utf8).count == 24)
            #expect(FileManager.default.fileExists(atPath: project.directory + "/buckets/us"))
            let users = try #require(state.resources[#"db["users"]"#]?.outputs["url"]?.stringValue)
            #expect(users == "postgresql://dharma@127.0.0.1:\(secondPort)/db_users")
            let worker = try #require(state.resources["worker[1]"]?.outputs["url"]?.stringValue)
            #expect(try String(contentsOfFile: project.directory + "/index.txt", encoding: .utf8) == "\(worker) \(users)")
            let port = try #require(state.resources["worker[0]"]?.outputs["port"]?.intValue)
            #expect(ReadinessProbe.httpStatus(port: port, path: "/healthz") == 200)
            #expect(try await project.plan().hasChanges == false, "the copies match what runs")

            // One copy fewer: only the last is deleted.
            try project.rewrite(try String(contentsOfFile: project.blueprint, encoding: .utf8).replacingOccurrences(of: "count: 3", with: "count: 2"))
            let shrink = try await project.plan()
            #expect(shrink.changes.filter { $0.action != .noop }.map { "\($0.action) \($0.resource)" } == ["delete shard[2]"])
        }
        #expect(!FileManager.default.fileExists(atPath: project.directory + "/shards/0.json"))
    }
}
