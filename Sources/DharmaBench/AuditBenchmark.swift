import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaStore
import Foundation

extension Benchmarks {
    public struct AuditTimings: Sendable {
        /// Which database kept the log: "sqlite" or "postgres".
        public var database: String
        public var entries: Int
        public var batch: Int
        public var append: Duration
        public var proofMicroseconds: Double
        public var verify: Duration
        public var verifiedOK: Bool
    }

    /// The audit benchmark on SQLite, and on PostgreSQL beside it when `postgres` names a
    /// database (in a schema of its own, dropped afterwards).
    public static func audit(entries: Int, batch: Int, postgres: PostgresSettings? = nil) async throws -> [AuditTimings] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dharma-bench-audit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var timings = [try await audit(entries: entries, batch: batch, store: try SQLiteStore(path: directory + "/dharma.db"), directory: directory)]
        if let postgres {
            let pool = PostgresPool(postgres)
            defer { pool.close() }
            let store = try PostgresStore(pool: pool, schema: "bench_\(UInt32.random(in: 0...UInt32.max))")
            do {
                timings.append(try await audit(entries: entries, batch: batch, store: store, directory: directory))
            } catch {
                try? await store.dropSchema()
                throw error
            }
            try await store.dropSchema()
        }
        return timings
    }

    /// Appends `entries` in batches (one transaction and one signed checkpoint per batch) to a
    /// fresh log, then times inclusion proofs at the full size and a full verification.
    static func audit(entries: Int, batch: Int, store: some StateStore, directory: String) async throws -> AuditTimings {
        let log = try AuditLog.local(store: store, stateDirectory: directory, databasePath: directory + "/dharma.db")
        let clock = ContinuousClock()
        let append = try await clock.measure {
            var written = 0
            while written < entries {
                let count = min(batch, entries - written)
                try await log.append(
                    (0..<count).map { offset in
                        AuditDraft(
                            actor: "bench@local", action: "apply", stack: "bench/default", resources: ["r\(written + offset)"],
                            reason: "benchmark entry \(written + offset)")
                    })
                written += count
            }
        }
        var generator = SystemRandomNumberGenerator()
        let samples = 200
        let size = UInt64(entries)
        let proofs = try await clock.measure {
            for _ in 0..<samples { _ = try await log.inclusionProof(seq: UInt64.random(in: 0..<size, using: &generator), size: size) }
        }
        var report: AuditVerification.Report?
        let verify = try await clock.measure { report = try await log.verify() }
        let proofSeconds = Double(proofs.components.seconds) + Double(proofs.components.attoseconds) / 1e18
        return AuditTimings(
            database: store is PostgresStore ? "postgres" : "sqlite", entries: entries, batch: batch, append: append,
            proofMicroseconds: proofSeconds / Double(samples) * 1e6,
            verify: verify, verifiedOK: report?.ok ?? false)
    }
}
