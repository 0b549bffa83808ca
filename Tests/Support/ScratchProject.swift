import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaProviders
import DharmaStore
import DharmaTestKit
import Foundation

/// A scratch project for tests that drive the engine: a directory with a blueprint and its own state database.
public struct ScratchProject: Sendable {
    public let directory: String
    public let blueprint: String
    public let engine: StackEngine

    public init(_ text: String, parallelism: Int = 10) throws {
        // Proxied services run the freshly built `dharma` as their proxy.
        setenv("DHARMA_EXECUTABLE", TestPaths.dharma, 1)
        directory = Scratch.directory("dharma-engine")
        blueprint = directory + "/stack.yaml"
        try text.write(toFile: blueprint, atomically: true, encoding: .utf8)
        let store = try StateDatabase.open(directory + "/.dharma/dharma.db")
        var engine = StackEngine(store: store, parallelism: parallelism, stateDirectory: directory + "/.dharma")
        engine.audit = try AuditLog.local(store: store, stateDirectory: directory + "/.dharma", databasePath: directory + "/.dharma/dharma.db")
        self.engine = engine
    }

    public func rewrite(_ text: String) throws {
        try text.write(toFile: blueprint, atomically: true, encoding: .utf8)
    }

    public func prepare() throws -> StackEngine.Prepared {
        try StackEngine.prepare(path: blueprint, environment: nil, variables: [:])
    }

    public func plan() async throws -> Plan {
        try await engine.plan(try prepare()).0
    }

    @discardableResult
    public func apply() async throws -> ApplyReport {
        let prepared = try prepare()
        let plan = try await engine.plan(prepared).0
        return try await engine.apply(plan, context: engine.context(for: prepared))
    }

    /// Runs `body`, then destroys the stack whether `body` threw or not, so no test leaves
    /// processes behind.
    public func destroyingAfter(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try? await destroy()
            throw error
        }
        try await destroy()
    }

    public func destroy() async throws {
        let prepared = try prepare()
        let plan = try await engine.destroyPlan(prepared)
        _ = try await engine.apply(plan, context: engine.context(for: prepared), operation: .destroy)
    }
}

public func blueprint(_ resources: String, name: String = "test") -> String {
    """
    apiVersion: dharma.dev/v3
    kind: Blueprint
    metadata: {name: \(name)}
    target: {provider: local, region: local-1}
    resources:
    \(resources)
    """
}

/// A `compute.service` running the freshly built `dharma workload` (with its fault switches),
/// as blueprint YAML under `resources:`; `extra` adds one property line (unindented).
public func workloadService(replicas: Int = 2, grace: String = "2s", extra: String = "") -> String {
    """
      web:
        type: compute.service
        properties:
          command: [\(TestPaths.dharma), workload, --port, "${self.port}"]
          replicas: \(replicas)
          health: {http: /healthz, timeout: 20s}
          stopGracePeriod: \(grace)
    """ + (extra.isEmpty ? "" : "\n      " + extra)
}

public let httpService = """
      web:
        type: compute.service
        properties:
          command: [python3, -m, http.server, "${self.port}", --bind, 127.0.0.1]
          replicas: 2
          env: {DB: "${db.path}"}
          health: {http: /, timeout: 20s}
          stopGracePeriod: 2s
    """

extension ScratchProject {
    /// The audit log's entries, oldest first.
    public func auditEntries() async throws -> [AuditEntry] {
        guard let audit = engine.audit else { return [] }
        let size = try await audit.store.auditSize()
        return try await audit.store.auditEntries(from: 0, to: size).compactMap { AuditEntry.parse($0.body) }
    }
}
