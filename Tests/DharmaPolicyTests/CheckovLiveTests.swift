import DharmaTestKit
import Foundation
import Testing

@testable import DharmaPolicy

/// Runs the real Checkov (installed by .ci/run) on its fixtures and on Terraform written for
/// this comparison, and requires the same verdict from the mapped rule on every resource
/// Checkov passes or fails.
@Suite struct CheckovLiveTests {
    struct Report: Decodable {
        struct Results: Decodable {
            var passed_checks: [Check]
            var failed_checks: [Check]
        }
        struct Check: Decodable {
            var check_id: String
            var resource: String
            var file_path: String
        }
        var results: Results
    }

    static let handwritten = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/handwritten"

    @Test(arguments: [checkovFixtures, handwritten])
    func verdictsAgreeWithCheckovOnEveryMappedCheck(directory: String) throws {
        let rules = try RuleLoader.builtIn()
        var ruleForCheck: [String: Rule] = [:]
        let fixtureChecks = try FileManager.default.contentsOfDirectory(atPath: checkovFixtures).compactMap { name -> String? in
            guard let data = FileManager.default.contents(atPath: checkovFixtures + "/" + name + "/expected.json"),
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return object["check_id"] as? String
        }
        for check in fixtureChecks { ruleForCheck[check] = rules.first { $0.equivalents.contains(check) } }
        #expect(ruleForCheck.count == 17)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "checkov", "-d", directory, "--framework", "terraform", "--check", ruleForCheck.keys.sorted().joined(separator: ","),
            "-o", "json", "--compact", "--skip-download",
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let reports: [Report]
        if let many = try? JSONDecoder().decode([Report].self, from: data) {
            reports = many
        } else {
            reports = [try JSONDecoder().decode(Report.self, from: data)]
        }
        var checkov: [String: String] = [:]
        for report in reports {
            for check in report.results.passed_checks { checkov["\(check.check_id) \(check.file_path) \(check.resource)"] = "pass" }
            for check in report.results.failed_checks { checkov["\(check.check_id) \(check.file_path) \(check.resource)"] = "fail" }
        }
        #expect(checkov.count > 30, "Checkov reported \(checkov.count) verdicts")

        let loaded = TerraformLoader().load(directory: directory)
        let model = TerraformAdapter.model(loaded.resources)
        var ours: [String: String] = [:]
        for (check, rule) in ruleForCheck {
            let provider = check.hasPrefix("CKV_AZURE") ? "azure" : check.hasPrefix("CKV_GCP") ? "gcp" : "aws"
            for finding in PolicyEngine(rules: [rule]).evaluate(model.filter { $0.provider == provider }, today: "2026-01-01") where finding.verdict != .unknown
            {
                let relative = String(finding.resource.file.dropFirst(directory.count))
                ours["\(check) \(relative) \(finding.resource.address)"] = finding.verdict.rawValue
            }
        }
        var disagreements: [String] = []
        for (key, verdict) in checkov where ours[key] != verdict {
            disagreements.append("\(key): checkov \(verdict), dharma \(ours[key] ?? "no verdict")")
        }
        #expect(disagreements.isEmpty, "\(disagreements.sorted().joined(separator: "\n"))")
    }
}
