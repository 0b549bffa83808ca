/// JUnit XML: one test suite per rule, one test case per resource it checked.
public enum JUnitReport {
    public static func render(_ report: PolicyReport) -> String {
        var byRule: [String: [Finding]] = [:]
        for finding in report.findings where finding.verdict != .unknown { byRule[finding.rule.id, default: []].append(finding) }
        let failures = report.failures.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"dharma scan\" tests=\"\(byRule.values.map(\.count).reduce(0, +))\" failures=\"\(failures)\">\n"
        for id in byRule.keys.sorted() {
            let findings = byRule[id] ?? []
            let failed = findings.filter { $0.verdict == .fail && $0.waiver == nil }.count
            let skipped = findings.filter { $0.waiver != nil }.count
            out += "  <testsuite name=\"\(escape(id))\" tests=\"\(findings.count)\" failures=\"\(failed)\" skipped=\"\(skipped)\">\n"
            for finding in findings {
                out +=
                    "    <testcase classname=\"\(escape(id))\" name=\"\(escape(finding.resource.address))\" file=\"\(escape(finding.resource.file))\" line=\"\(finding.resource.line)\""
                if finding.verdict == .pass {
                    out += "/>\n"
                } else if let waiver = finding.waiver {
                    out += ">\n      <skipped message=\"\(escape("waived until \(waiver.expires): \(waiver.justification)"))\"/>\n    </testcase>\n"
                } else {
                    out += ">\n      <failure message=\"\(escape(finding.rule.title))\" type=\"\(finding.rule.severity.rawValue)\">"
                    out += escape("\(finding.resource.file):\(finding.resource.line) \(finding.message)") + "</failure>\n    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case let c where c.value < 0x20 && c != "\n" && c != "\t": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
