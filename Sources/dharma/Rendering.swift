import ArgumentParser
import DharmaCore
import DharmaCost
import DharmaPolicy
import DharmaService
import DharmaStore
import Foundation

/// Progress lines and the closing summary shared by apply, destroy and up.
enum ApplyOutput {
    static func progress(json: Bool) -> @Sendable (ApplyEvent) -> Void {
        { event in
            guard !json else { return }
            if case .failed = event.phase { Terminal.error(event.description) } else { print(event.description) }
            fflush(nil)
        }
    }

    static let lockNotice: @Sendable (LockAcquisition) -> Void = { acquisition in
        if case .brokeStale(let holder) = acquisition {
            Terminal.error("note: broke a stale lock left by \(holder), which is no longer running")
        }
    }

    static func json(plan: Plan, report: ApplyReport?) -> String {
        var value: [String: Value] = ["plan": PlanRenderer.jsonValue(plan)]
        if let report {
            value["succeeded"] = .list(report.succeeded.map(Value.string))
            value["failed"] = .list(report.failed.map { .map(["resource": .string($0.resource), "message": .string($0.message)]) })
            value["skipped"] = .list(report.skipped.map(Value.string))
            value["outputs"] = .map(report.outputs)
            value["ok"] = .bool(report.ok)
        }
        return Value.map(value).jsonText
    }

    /// The summary, then exit 1 when anything failed.
    static func finish(plan: Plan, report: ApplyReport, json: Bool) throws {
        summarise(plan: plan, report: report, json: json)
        if !report.ok { throw ExitCode(Exit.failure) }
    }

    static func summarise(plan: Plan, report: ApplyReport, json: Bool) {
        if json {
            print(self.json(plan: plan, report: report))
        } else if report.ok {
            print("\nApply complete: \(report.succeeded.count) resource\(report.succeeded.count == 1 ? "" : "s") changed.")
            for (name, value) in report.outputs.sorted(by: { $0.key < $1.key }) { print("  \(name) = \(value.rendered)") }
        } else {
            Terminal.error(
                "\nApply stopped: \(report.succeeded.count) succeeded (recorded), \(report.failed.count) failed, "
                    + "\(report.skipped.count) not started. Fix the cause and apply again; it continues from here.")
        }
    }
}

/// One line about a policy report, for plan, apply, validate and up.
enum PolicySummary {
    static func line(_ report: PolicyReport) -> String {
        var line = "Policy: \(report.passed.count) passed, \(report.failures.count) failed"
        if !report.waived.isEmpty { line += ", \(report.waived.count) waived" }
        let worst = report.orderedFailures.prefix(5).map { "\($0.rule.id) on \($0.resource.address) (\($0.rule.severity.rawValue))" }
        if !worst.isEmpty { line += ": " + worst.joined(separator: ", ") + (report.failures.count > 5 ? ", …" : "") }
        return line
    }
}

extension PlanCost {
    /// One line: before → after per month, carbon, unknown prices, the budget.
    var summary: String {
        let sign = delta >= 0 ? "+" : "-"
        var line =
            "Cost: \(CostRenderer.money(before.total)) → \(CostRenderer.money(after.total)) per month (\(sign)\(CostRenderer.money(abs(delta))))"
            + "; carbon \(CostRenderer.carbon(before.totalCarbonKg)) → \(CostRenderer.carbon(after.totalCarbonKg)) kgCO2e/month"
        let unknown = after.unknown.map(\.name)
        if !unknown.isEmpty { line += "; unknown for \(unknown.joined(separator: ", ")) (see `dharma cost`)" }
        if let budget { line += "; budget \(CostRenderer.money(budget.monthly))" }
        return line
    }
}

/// Pretty-printed JSON of an encodable result (incidents, reports).
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// A duration as people read it: 4.2 s, 37 s, 12 min, 3.5 h.
func humanSeconds(_ value: Double) -> String {
    switch value {
    case ..<10: String(format: "%.1f s", value)
    case ..<120: "\(Int(value.rounded())) s"
    case ..<7200: "\(Int((value / 60).rounded())) min"
    default: String(format: "%.1f h", value / 3600)
    }
}
