import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaStore
import Foundation

extension Benchmarks {
    public struct AuditTimings: Sendable {
        public var entries: Int
        public var batch: Int
        public var append: Duration
        public var proofMicroseconds: Double
        public var verify: Duration
        public var verifiedOK: Bool
    }

    /// Appends `entries` in batches (one transaction and one signed checkpoint per batch) to a
    /// fresh log, then times inclusion proofs at the full size and a full verification.
    public static func audit(entries: Int, batch: Int) async throws -> AuditTimings {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dharma-bench-audit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/dharma.db")
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
            entries: entries, batch: batch, append: append, proofMicroseconds: proofSeconds / Double(samples) * 1e6,
            verify: verify, verifiedOK: report?.ok ?? false)
    }
}
