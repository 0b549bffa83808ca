import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaProviders
import DharmaStore
import Foundation

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let dharmaBinary = repositoryRoot + "/.build/debug/dharma"

/// A scratch project: a directory with a blueprint and its own state database.
struct Project {
    let directory: String
    let blueprint: String
    let engine: StackEngine

    init(_ text: String, parallelism: Int = 10) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dharma-engine-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        blueprint = directory + "/stack.yaml"
        try text.write(toFile: blueprint, atomically: true, encoding: .utf8)
        let store = try SQLiteStore(path: directory + "/.dharma/dharma.db")
        var engine = StackEngine(store: store, parallelism: parallelism, stateDirectory: directory + "/.dharma")
        engine.audit = try AuditLog.local(store: store, stateDirectory: directory + "/.dharma", databasePath: directory + "/.dharma/dharma.db")
        self.engine = engine
    }

    func rewrite(_ text: String) throws {
        try text.write(toFile: blueprint, atomically: true, encoding: .utf8)
    }

    func prepare() throws -> StackEngine.Prepared {
        try StackEngine.prepare(path: blueprint, environment: nil, variables: [:])
    }

    func plan() async throws -> Plan {
        try await engine.plan(try prepare()).0
    }

    @discardableResult
    func apply() async throws -> ApplyReport {
        let prepared = try prepare()
        let plan = try await engine.plan(prepared).0
        return try await engine.apply(plan, context: engine.context(for: prepared))
    }

    func destroy() async throws {
        let prepared = try prepare()
        let plan = try await engine.destroyPlan(prepared)
        _ = try await engine.apply(plan, context: engine.context(for: prepared), operation: "destroy")
    }
}

func blueprint(_ resources: String, name: String = "test") -> String {
    """
    apiVersion: dharma.dev/v3
    kind: Blueprint
    metadata: {name: \(name)}
    target: {provider: local, region: local-1}
    resources:
    \(resources)
    """
}

let httpService = """
      web:
        type: compute.service
        properties:
          command: [python3, -m, http.server, "${self.port}", --bind, 127.0.0.1]
          replicas: 2
          env: {DB: "${db.path}"}
          health: {http: /, timeout: 20s}
          stopGracePeriod: 2s
    """

extension Project {
    /// The audit log's entries, oldest first.
    func auditEntries() async throws -> [AuditEntry] {
        guard let audit = engine.audit else { return [] }
        let size = try await audit.store.auditSize()
        return try await audit.store.auditEntries(from: 0, to: size).compactMap { AuditEntry.parse($0.body) }
    }
}
