import DharmaCore
import Foundation

/// SARIF 2.1.0, as GitHub code scanning reads it: one run, the rules that failed as
/// `reportingDescriptor`s, and one result per failure located at file:line. File locations are
/// relative to the scan root, declared as `%SRCROOT%` in `originalUriBaseIds`, so findings map
/// to the repository's files wherever the scan ran.
public enum SARIFReport {
    /// `scanRoot` is the directory scanned (or the folder of the file scanned); relative paths
    /// are resolved against `workingDirectory`, as the scan read them.
    public static func render(_ report: PolicyReport, scanRoot: String, workingDirectory: String, version: String) -> Value {
        let root = absolute(scanRoot, in: workingDirectory)
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
                        "tags": .list((["security"] + rule.frameworks.keys.sorted()).map(Value.string)),
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
                            "artifactLocation": artifactLocation(absolute(finding.resource.file, in: workingDirectory), root: root),
                            "region": .map(["startLine": .int(max(1, finding.resource.line))]),
                        ])
                    ])
                ]),
                "partialFingerprints": .map(["dharmaResource/v1": .string("\(finding.rule.id):\(finding.resource.address)")]),
            ]
            if !finding.equivalents.isEmpty { result["properties"] = .map(["checkov": .list(finding.equivalents.map(Value.string))]) }
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
                    "originalUriBaseIds": .map(["%SRCROOT%": .map(["uri": .string(fileURI(root, directory: true))])]),
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

    /// A file under the root as a URI relative to `%SRCROOT%`; one outside it as an absolute
    /// `file:` URI.
    static func artifactLocation(_ path: String, root: String) -> Value {
        guard path.hasPrefix(root == "/" ? "/" : root + "/") else { return .map(["uri": .string(fileURI(path, directory: false))]) }
        let relative = String(path.dropFirst(root == "/" ? 1 : root.count + 1))
        return .map(["uri": .string(encode(relative)), "uriBaseId": .string("%SRCROOT%")])
    }

    /// `path` made absolute against `directory`, with `.` and `..` resolved.
    static func absolute(_ path: String, in directory: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: directory, isDirectory: true)).standardizedFileURL.path
    }

    static func fileURI(_ path: String, directory: Bool) -> String {
        "file://" + encode(path) + (directory && !path.hasSuffix("/") ? "/" : "")
    }

    /// Percent-encodes what a URI path may not hold (spaces, `%`, `#`, `?`).
    static func encode(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "%#?;")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}
