import DharmaCore

/// The outcome of evaluating rules: every finding, the files that could not be read, and the
/// threshold that decides the exit code.
public struct PolicyReport: Sendable {
    public var findings: [Finding]
    public var problems: [ScanProblem]
    public var files: Int
    public var resources: Int

    public init(findings: [Finding], problems: [ScanProblem], files: Int, resources: Int) {
        self.findings = findings
        self.problems = problems
        self.files = files
        self.resources = resources
    }

    public var failures: [Finding] { findings.filter { $0.verdict == .fail && $0.waiver == nil } }
    public var waived: [Finding] { findings.filter { $0.verdict == .fail && $0.waiver != nil } }
    public var passed: [Finding] { findings.filter { $0.verdict == .pass } }
    public var unknown: [Finding] { findings.filter { $0.verdict == .unknown } }

    public func failures(atOrAbove threshold: Rule.Severity) -> [Finding] {
        failures.filter { $0.rule.severity >= threshold }
    }

    /// Failures ordered most severe first, then by file, line and rule.
    public var orderedFailures: [Finding] {
        failures.sorted {
            ($1.rule.severity, $0.resource.file, $0.resource.line, $0.rule.id) < ($0.rule.severity, $1.resource.file, $1.resource.line, $1.rule.id)
        }
    }

    public func text(colour: Bool = false) -> String {
        var out = ""
        for severity in Rule.Severity.allCases.reversed() {
            let group = orderedFailures.filter { $0.rule.severity == severity }
            guard !group.isEmpty else { continue }
            out += "\(severity.rawValue.uppercased()) (\(group.count))\n"
            for finding in group {
                out += "  \(finding.resource.file):\(finding.resource.line)  \(finding.resource.address)  \(finding.rule.id)  \(finding.rule.title)\n"
                if !finding.rule.remediation.isEmpty { out += "      fix: \(finding.rule.remediation)\n" }
                if !finding.equivalents.isEmpty { out += "      checkov: \(finding.equivalents.joined(separator: ", "))\n" }
            }
            out += "\n"
        }
        if !waived.isEmpty {
            out += "WAIVED (\(waived.count))\n"
            for finding in waived {
                guard let waiver = finding.waiver else { continue }
                out += "  \(finding.resource.address)  \(finding.rule.id)  until \(waiver.expires), approved by \(waiver.approver): \(waiver.justification)\n"
            }
            out += "\n"
        }
        if !problems.isEmpty {
            out += "NOT SCANNED (\(problems.count))\n"
            for problem in problems { out += "  \(problem.file):\(problem.line): \(problem.message)\n" }
            out += "\n"
        }
        out += "\(files) files, \(resources) resources: \(passed.count) passed, \(failures.count) failed, \(waived.count) waived, \(unknown.count) unknown\n"
        return out
    }

    public static func findingJSON(_ finding: Finding) -> Value {
        var entry: [String: Value] = [
            "rule": .string(finding.rule.id), "title": .string(finding.rule.title), "severity": .string(finding.rule.severity.rawValue),
            "resource": .string(finding.resource.address), "type": .string(finding.resource.nativeType), "file": .string(finding.resource.file),
            "line": .int(finding.resource.line), "message": .string(finding.message), "verdict": .string(finding.verdict.rawValue),
            "frameworks": .map(finding.rule.frameworks.mapValues { .list($0.map(Value.string)) }),
            "equivalents": .list(finding.equivalents.map(Value.string)),
        ]
        if let waiver = finding.waiver {
            entry["waiver"] = .map(["justification": .string(waiver.justification), "expires": .string(waiver.expires), "approver": .string(waiver.approver)])
        }
        return .map(entry)
    }

    public var json: Value {
        .map([
            "findings": .list(orderedFailures.map(Self.findingJSON)),
            "waived": .list(waived.map(Self.findingJSON)),
            "unknown": .list(unknown.map(Self.findingJSON)),
            "problems": .list(problems.map { .map(["file": .string($0.file), "line": .int($0.line), "message": .string($0.message)]) }),
            "summary": .map([
                "files": .int(files), "resources": .int(resources), "passed": .int(passed.count), "failed": .int(failures.count),
                "waived": .int(waived.count), "unknown": .int(unknown.count), "problems": .int(problems.count),
            ]),
        ])
    }
}
