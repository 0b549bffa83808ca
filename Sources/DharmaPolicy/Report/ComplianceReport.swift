import DharmaCore
import Foundation

/// Per framework, each control the rules support: pass, fail or not applicable, with the
/// resources and rules behind it, the coverage and an overall score.
public struct ComplianceReport: Sendable {
    public enum Status: String, Sendable { case pass, fail, notApplicable = "not-applicable" }

    public struct Control: Sendable {
        public var id: String
        public var status: Status
        public var rules: [String]
        public var failing: [String]
        public var resources: Int
    }

    public var framework: Framework
    public var controls: [Control]

    public init(framework: Framework, rules: [Rule], findings: [Finding]) {
        self.framework = framework
        var controlRules: [String: Set<String>] = [:]
        for rule in rules {
            for control in rule.frameworks[framework.rawValue] ?? [] { controlRules[control, default: []].insert(rule.id) }
        }
        var byRule: [String: [Finding]] = [:]
        for finding in findings where finding.verdict != .unknown { byRule[finding.rule.id, default: []].append(finding) }
        controls = controlRules.keys.sorted(by: Self.controlOrder).map { id in
            let ruleIDs = (controlRules[id] ?? []).sorted()
            let findings = ruleIDs.flatMap { byRule[$0] ?? [] }
            let failing = findings.filter { $0.verdict == .fail && $0.waiver == nil }
            let status: Status = findings.isEmpty ? .notApplicable : failing.isEmpty ? .pass : .fail
            return Control(
                id: id, status: status, rules: ruleIDs,
                failing: Array(Set(failing.map { "\($0.rule.id) \($0.resource.address)" })).sorted(),
                resources: Set(findings.map(\.resource.address)).count)
        }
    }

    /// Control ids in a readable order: numbers compared as numbers ("A.8.9" before "A.8.10").
    static func controlOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: .numeric) == .orderedAscending
    }

    public var applicable: [Control] { controls.filter { $0.status != .notApplicable } }
    public var coverage: Double { controls.isEmpty ? 0 : Double(applicable.count) / Double(controls.count) * 100 }
    public var score: Double {
        applicable.isEmpty ? 100 : Double(applicable.filter { $0.status == .pass }.count) / Double(applicable.count) * 100
    }

    public var text: String {
        var out = "\(framework.title) (\(framework.rawValue))\n\n"
        let width = controls.map(\.id.count).max() ?? 0
        for control in controls {
            let pad = String(repeating: " ", count: width - control.id.count)
            out += "  \(control.id)\(pad)  \(control.status.rawValue.uppercased())"
            if control.status != .notApplicable {
                let shown = control.rules.prefix(6).joined(separator: ", ") + (control.rules.count > 6 ? " +\(control.rules.count - 6) more" : "")
                out += "  \(control.resources) resource\(control.resources == 1 ? "" : "s"), rules \(shown)"
            }
            out += "\n"
            for failing in control.failing.prefix(10) { out += "      ✗ \(failing)\n" }
            if control.failing.count > 10 { out += "      … and \(control.failing.count - 10) more\n" }
        }
        out += "\nCoverage: \(Int(coverage.rounded())) % of \(controls.count) controls have applicable checks; score: \(Int(score.rounded())) % of those pass\n"
        return out
    }

    public var json: Value {
        .map([
            "framework": .string(framework.rawValue), "title": .string(framework.title),
            "coveragePercent": .double((coverage * 10).rounded() / 10), "scorePercent": .double((score * 10).rounded() / 10),
            "controls": .list(
                controls.map { control in
                    .map([
                        "id": .string(control.id), "status": .string(control.status.rawValue), "rules": .list(control.rules.map(Value.string)),
                        "failing": .list(control.failing.map(Value.string)), "resources": .int(control.resources),
                    ])
                }),
        ])
    }
}
