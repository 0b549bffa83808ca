import DharmaTestKit
import Foundation
import Testing

@Suite struct ScanCLITests {
    /// A small Terraform tree with one open SSH port, one encrypted volume, one broken file.
    func terraformTree() throws -> String {
        let directory = scratchDirectory()
        try """
        resource "aws_security_group" "ssh" {
          ingress {
            from_port   = 22
            to_port     = 22
            protocol    = "tcp"
            cidr_blocks = ["0.0.0.0/0"]
          }
        }
        resource "aws_ebs_volume" "data" {
          availability_zone = "eu-west-1a"
          size              = 10
          encrypted         = true
          tags              = { owner = "team", environment = "prod" }
        }
        """.write(toFile: directory + "/main.tf", atomically: true, encoding: .utf8)
        return directory
    }

    func python(_ script: String, _ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    @Test func textReportGroupsBySeverityWithFileLineAndExitsThree() throws {
        let directory = try terraformTree()
        let result = try dharma(["scan", directory])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains("HIGH ("))
        #expect(result.stdout.contains("main.tf:1  aws_security_group.ssh  DH-NET-22"))
        #expect(result.stdout.contains("checkov: CKV_AWS_24"))
        let lenient = try dharma(["scan", directory, "--fail-on", "critical"])
        #expect(lenient.status == 0, "a high finding does not reach a critical threshold")
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let result = try dharma(["scan", try terraformTree(), "--json"])
        let report = try json(result.stdout)
        let findings = report["findings"] as? [[String: Any]] ?? []
        let ssh = try #require(findings.first { $0["rule"] as? String == "DH-NET-22" })
        for key in ["rule", "severity", "resource", "file", "line", "message", "frameworks", "equivalents"] { #expect(ssh[key] != nil, "\(key)") }
        #expect(ssh["resource"] as? String == "aws_security_group.ssh")
        #expect((ssh["equivalents"] as? [String])?.contains("CKV_AWS_24") == true)
        #expect(((ssh["frameworks"] as? [String: [String]])?["pci-dss"] ?? []).contains("1.3.1"))
    }

    @Test func sarifValidatesAgainstTheSARIFModelAndJUnitParses() throws {
        let directory = try terraformTree()
        _ = try dharma(["scan", directory, "--format", "sarif", "--out", directory + "/report.sarif"])
        let sarif = try python(
            """
            import json, sys
            from sarif_pydantic import Sarif
            document = json.load(open(sys.argv[1]))
            parsed = Sarif.model_validate(document)
            result = parsed.runs[0].results[0]
            print(parsed.version, len(parsed.runs[0].results), document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            """, [directory + "/report.sarif"])
        #expect(sarif.status == 0, "\(sarif.stdout)")
        #expect(sarif.stdout.hasPrefix("2.1.0 "), "\(sarif.stdout)")
        _ = try dharma(["scan", directory, "--format", "junit", "--out", directory + "/report.xml"])
        let junit = try python(
            """
            import sys, xml.etree.ElementTree as tree
            root = tree.parse(sys.argv[1]).getroot()
            print(root.tag, root.get("failures"), len(root.findall(".//testcase")))
            """, [directory + "/report.xml"])
        #expect(junit.status == 0, "\(junit.stdout)")
        #expect(junit.stdout.hasPrefix("testsuites "))
    }

    @Test func unreadableFilesAreListedTheRestIsScannedAndTheExitCodeSaysSo() throws {
        let directory = scratchDirectory()
        try "resource \"aws_ebs_volume\" \"ok\" {\n  encrypted = true\n  tags = { owner = \"t\", environment = \"p\" }\n}\n"
            .write(toFile: directory + "/ok.tf", atomically: true, encoding: .utf8)
        try "resource \"aws_ebs_volume\" \"bad\" {\n  encrypted = \n".write(toFile: directory + "/bad.tf", atomically: true, encoding: .utf8)
        try Data(repeating: 0, count: 64).write(to: URL(fileURLWithPath: directory + "/junk.tf"))
        let result = try dharma(["scan", directory])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("NOT SCANNED (2)"))
        #expect(result.stdout.contains("bad.tf:"))
        #expect(result.stdout.contains("2 passed") || result.stdout.contains("passed"), "\(result.stdout)")
    }

    @Test func planGatesOnSeverityAndWaiversAreHonouredUntilTheyExpireAndAudited() throws {
        let directory = scratchDirectory()
        let blueprint = """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: gate, owner: team}
            target: {provider: local, region: local-1}
            resources:
              notes: {type: storage.file, properties: {path: notes.txt, content: hi}}
              share: {type: storage.bucket, properties: {path: share, public: true}}
            """
        try blueprint.write(toFile: directory + "/gate.yaml", atomically: true, encoding: .utf8)
        let blocked = try dharma(["plan", directory + "/gate.yaml", "--fail-on", "high"])
        #expect(blocked.status == 3, "\(blocked.stdout)\(blocked.stderr)")
        #expect(blocked.stderr.contains("DH-BKT-PUBLIC on share"))
        #expect(blocked.stdout.contains("Policy: "))
        let waived =
            blueprint + """

                waivers:
                  - {rule: DH-BKT-PUBLIC, resource: share, justification: public downloads, expires: 2999-12-31, approver: alice}
                """
        try waived.write(toFile: directory + "/gate.yaml", atomically: true, encoding: .utf8)
        let allowed = try dharma(["plan", directory + "/gate.yaml", "--fail-on", "high"])
        #expect(allowed.status == 4, "changes, no blocking finding: \(allowed.stderr)")
        #expect(allowed.stdout.contains("1 waived"))
        let applied = try dharma(["apply", directory + "/gate.yaml", "--fail-on", "high", "--auto-approve"])
        #expect(applied.status == 0, "\(applied.stderr)")
        let log = try dharma(["audit", "log", "-f", directory + "/gate.yaml", "--json"])
        #expect(log.stdout.contains("policy-waiver") && log.stdout.contains("public downloads"), "\(log.stdout)")
        let expired = waived.replacingOccurrences(of: "2999-12-31", with: "2020-01-01")
        try expired.write(toFile: directory + "/gate.yaml", atomically: true, encoding: .utf8)
        let again = try dharma(["plan", directory + "/gate.yaml", "--fail-on", "high"])
        #expect(again.status == 3, "an expired waiver no longer applies")
        _ = try dharma(["destroy", directory + "/gate.yaml", "--auto-approve"])
    }

    @Test func validateChecksPolicyAndGatesOnlyWhenAsked() throws {
        let plain = try dharma(["validate", TestPaths.repository + "/examples/aws-3tier.yaml"])
        #expect(plain.status == 0 && plain.stdout.contains("Policy: "), "\(plain.stdout)")
        let gated = try dharma(["validate", TestPaths.repository + "/examples/aws-3tier.yaml", "--fail-on", "medium"])
        #expect(gated.status == 3 && gated.stderr.contains("DH-SUBNET-PUBLIC on public-a"), "\(gated.stderr)")
        let bad = try dharma(["validate", TestPaths.repository + "/examples/aws-3tier.yaml", "--fail-on", "severe"])
        #expect(bad.status == 2 && bad.stderr.contains("critical"))
    }

    @Test func complianceReportListsControlsWithCoverageAndScore() throws {
        let result = try dharma([
            "compliance", "report", TestPaths.repository + "/examples/aws-3tier.yaml", "--framework", "soc2", "--framework", "gdpr", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let reports = try json(result.stdout)["reports"] as? [[String: Any]] ?? []
        #expect(reports.map { $0["framework"] as? String } == ["soc2", "gdpr"])
        let controls = reports.first?["controls"] as? [[String: Any]] ?? []
        #expect(controls.contains { $0["id"] as? String == "CC6.7" && $0["status"] as? String == "pass" })
        #expect(controls.contains { $0["status"] as? String == "fail" })
        #expect(controls.contains { $0["status"] as? String == "not-applicable" })
        #expect((reports.first?["coveragePercent"] as? Double ?? 0) > 0)
        let bad = try dharma(["compliance", "report", TestPaths.repository + "/examples/aws-3tier.yaml", "--framework", "sox"])
        #expect(bad.status == 2 && bad.stderr.contains("soc2"))
    }
}

extension ScanCLITests {
    /// A repository with the Terraform in `infra/`, a file with a space in its name, and the
    /// scan run from a sibling folder as `../infra`.
    @Test func sarifLocationsAreRelativeToTheScanRootDeclaredAsSRCROOT() throws {
        let repository = scratchDirectory()
        let infra = repository + "/infra"
        try FileManager.default.createDirectory(atPath: infra + "/net work", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repository + "/tools", withIntermediateDirectories: true)
        try String(contentsOfFile: try terraformTree() + "/main.tf", encoding: .utf8).write(toFile: infra + "/main.tf", atomically: true, encoding: .utf8)
        try """
        resource "google_compute_firewall" "ssh" {
          name    = "ssh"
          network = "default"
          source_ranges = ["0.0.0.0/0"]
          allow {
            protocol = "tcp"
            ports    = ["22"]
          }
        }
        """.write(toFile: infra + "/net work/gcp.tf", atomically: true, encoding: .utf8)
        for arguments in [["../infra"], [infra]] {
            _ = try dharma(["scan"] + arguments + ["--format", "sarif", "--out", repository + "/tools/report.sarif"], in: repository + "/tools")
            let run = try #require((try json(String(contentsOfFile: repository + "/tools/report.sarif", encoding: .utf8))["runs"] as? [[String: Any]])?.first)
            let root = (run["originalUriBaseIds"] as? [String: [String: String]])?["%SRCROOT%"]?["uri"]
            #expect(root == "file://\(infra)/", "\(arguments)")
            let locations = (run["results"] as? [[String: Any]] ?? []).compactMap { result -> [String: String]? in
                ((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: String]
            }
            #expect(Set(locations.compactMap { $0["uri"] }) == ["main.tf", "net%20work/gcp.tf"], "\(arguments): \(locations)")
            #expect(locations.allSatisfy { $0["uriBaseId"] == "%SRCROOT%" })
        }

        // The GCP finding names the GCP check only.
        let report = try json(try dharma(["scan", infra, "--json"]).stdout)
        let gcp = try #require(
            (report["findings"] as? [[String: Any]] ?? []).first {
                $0["resource"] as? String == "google_compute_firewall.ssh" && $0["rule"] as? String == "DH-NET-22"
            })
        #expect(gcp["equivalents"] as? [String] == ["CKV_GCP_2"])
    }
}
