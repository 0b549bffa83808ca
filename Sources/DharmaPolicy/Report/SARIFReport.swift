import DharmaCore
import Foundation

/// SARIF 2.1.0, as GitHub code scanning reads it: one run, the rules that failed as
/// `reportingDescriptor`s, and one result per failure located at file:line.
public enum SARIFReport {
    public static func render(_ report: PolicyReport, baseDirectory: String, version: String) -> Value {
        let failures = report.orderedFailures + report.waived
        var ruleIndex: [String: Int] = [:]
        var rules: [Value] = []
        for finding in failures where ruleIndex[finding.rule.id] == nil {
            ruleIndex[finding.rule.id] = rules.count
            let rule = finding.rule
            rules.append(
                .map([
                    "id": .string(rule.id),
                    "name": .string(rule.id.replacingOccurrences(of: "-", with: "")),
                    "shortDescription": .map(["text": .string(rule.title)]),
                    "fullDescription": .map(["text": .string(rule.description.isEmpty ? rule.title : rule.description)]),
                    "help": .map(["text": .string(rule.remediation.isEmpty ? rule.title : rule.remediation)]),
                    "defaultConfiguration": .map(["level": .string(level(rule.severity))]),
                    "properties": .map([
                        "tags": .list((["security"] + rule.frameworks.keys.sorted() + rule.equivalents).map(Value.string)),
                        "security-severity": .string(securitySeverity(rule.severity)),
                        "precision": .string("high"),
                    ]),
                ]))
        }
        let results: [Value] = failures.map { finding in
            var result: [String: Value] = [
                "ruleId": .string(finding.rule.id),
                "ruleIndex": .int(ruleIndex[finding.rule.id] ?? 0),
                "level": .string(level(finding.rule.severity)),
                "message": .map(["text": .string("\(finding.resource.address): \(finding.message)")]),
                "locations": .list([
                    .map([
                        "physicalLocation": .map([
                            "artifactLocation": .map(["uri": .string(relative(finding.resource.file, to: baseDirectory))]),
                            "region": .map(["startLine": .int(max(1, finding.resource.line))]),
                        ])
                    ])
                ]),
                "partialFingerprints": .map(["dharmaResource/v1": .string("\(finding.rule.id):\(finding.resource.address)")]),
            ]
            if let waiver = finding.waiver {
                result["suppressions"] = .list([
                    .map([
                        "kind": .string("external"), "status": .string("accepted"),
                        "justification": .string("\(waiver.justification) (approved by \(waiver.approver) until \(waiver.expires))"),
                    ])
                ])
            }
            return .map(result)
        }
        return .map([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
            "version": .string("2.1.0"),
            "runs": .list([
                .map([
                    "tool": .map([
                        "driver": .map([
                            "name": .string("dharma"), "version": .string(version), "informationUri": .string("https://github.com/iac-dharma/dharma"),
                            "rules": .list(rules),
                        ])
                    ]),
                    "results": .list(results),
                ])
            ]),
        ])
    }

    static func level(_ severity: Rule.Severity) -> String {
        switch severity {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "note"
        }
    }

    /// GitHub's scale: critical ≥ 9, high ≥ 7, medium ≥ 4.
    static func securitySeverity(_ severity: Rule.Severity) -> String {
        switch severity {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "3.0"
        case .info: return "1.0"
        }
    }

    static func relative(_ path: String, to base: String) -> String {
        let standardBase = (base as NSString).standardizingPath
        let standardPath = (path as NSString).standardizingPath
        if standardPath.hasPrefix(standardBase + "/") { return String(standardPath.dropFirst(standardBase.count + 1)) }
        return standardPath
    }
}
