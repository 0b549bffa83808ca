import DharmaAutopilot
import DharmaStore
import Foundation

/// What an experiment found, as JSON (`--json`) or Markdown (`--report`).
public struct ExperimentReport: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        /// The steady state held before and came back after.
        case succeeded
        /// The steady state did not come back within `settle`.
        case deviated
        /// An abort condition failed during the method.
        case aborted
        /// `dharma chaos halt` or Ctrl-C stopped it.
        case halted
        /// The steady state did not hold before anything was injected; nothing was.
        case notSteady = "not-steady"
    }

    public struct FaultRecord: Sendable, Codable {
        public var kind: String
        public var resource: String
        public var description: String
        public var injectedAt: Double
        public var removedAt: Double?
    }

    public var experiment: String
    public var stack: String
    public var status: Status
    public var startedAt: Double
    public var endedAt: Double
    /// Faults a previous run left behind, removed before this one started.
    public var leftoversRemoved: [String]
    public var before: [ProbeResult]
    public var faults: [FaultRecord]
    public var during: [ProbeResult]
    public var after: [ProbeResult]
    /// Seconds from the last fault's removal until every probe passed again.
    public var recoveredAfter: Double?
    public var rolledBack: Bool
    public var reason: String?

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public var markdown: String {
        var out = "# Chaos experiment: \(experiment)\n\n"
        out += "- stack: \(stack)\n- status: **\(status.rawValue)**\(reason.map { " — \($0)" } ?? "")\n"
        out += "- from \(Timestamp.iso8601(startedAt)) to \(Timestamp.iso8601(endedAt)) (\(Int((endedAt - startedAt).rounded())) s)\n"
        if let recoveredAfter { out += String(format: "- steady state back %.1f s after the faults were removed\n", recoveredAfter) }
        if rolledBack { out += "- rolled back: the blueprint was applied again\n" }
        if !leftoversRemoved.isEmpty { out += "- removed faults left by an earlier run: \(leftoversRemoved.joined(separator: "; "))\n" }
        out += "\n## Faults\n\n| fault | resource | what | injected | removed |\n|---|---|---|---|---|\n"
        for fault in faults {
            out +=
                "| \(fault.kind) | \(fault.resource) | \(fault.description) | \(Timestamp.iso8601(fault.injectedAt)) | \(fault.removedAt.map(Timestamp.iso8601) ?? "—") |\n"
        }
        for (title, results) in [("Before", before), ("During", during), ("After", after)] where !results.isEmpty {
            let failed = results.filter { !$0.ok }.count
            out += "\n## \(title): \(results.count - failed) of \(results.count) probes passed\n\n| time | probe | ok | detail |\n|---|---|---|---|\n"
            for result in results { out += "| \(Timestamp.iso8601(result.time)) | \(result.probe) | \(result.ok ? "yes" : "**no**") | \(result.detail) |\n" }
        }
        return out
    }
}
