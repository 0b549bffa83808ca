import ArgumentParser
import DharmaCore
import DharmaEngine
import DharmaPolicy
import Foundation

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Check Terraform, CloudFormation and blueprints against the policy rules.",
        discussion: """
            Scans directories (Terraform modules and CloudFormation templates, recursively) and files, including Dharma blueprints. Findings are grouped by severity with file:line; --format json, sarif (2.1.0, for GitHub code scanning) or junit. Files that cannot be read are listed and the rest is still scanned.

            Exits 3 when a finding at or above --fail-on (default: low) fails, else 2 when a file could not be read, else 0.

            Examples:
              dharma scan infra/
              dharma scan infra/ --format sarif --out dharma.sarif
              dharma scan examples/aws-3tier.yaml --fail-on high
            """)

    @Argument(help: "Directories and files to scan.") var paths: [String]
    @OptionGroup var policy: PolicyOptions

    @Option(help: "text, json, sarif or junit.") var format: String = "text"
    @Flag(help: "Same as --format json.") var json = false
    @Option(help: "Write the report to this file instead of standard output.") var out: String?

    func run() async throws {
        try await runReporting {
            let format = json ? "json" : format.lowercased()
            guard ["text", "json", "sarif", "junit"].contains(format) else {
                throw CLIFailure(message: "--format \(self.format): choose text, json, sarif or junit", code: Exit.invalidInput)
            }
            let threshold = try policy.threshold(default: .low)
            let report = try Self.scan(paths, policy: policy)
            let rendered: String
            switch format {
            case "json": rendered = report.json.jsonText + "\n"
            case "sarif": rendered = SARIFReport.render(report, baseDirectory: FileManager.default.currentDirectoryPath, version: Dharma.version).jsonText + "\n"
            case "junit": rendered = JUnitReport.render(report)
            default: rendered = report.text()
            }
            if let out {
                do { try rendered.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                    throw CLIFailure(message: "cannot write \(out): \(error.localizedDescription)", code: Exit.failure)
                }
            } else {
                print(rendered, terminator: "")
            }
            try BlueprintPolicy.gate(report, threshold: threshold)
            if !report.problems.isEmpty { throw ExitCode(Exit.invalidInput) }
        }
    }

    /// Scans paths; blueprint files go through the blueprint adapter, the rest through the IaC readers.
    static func scan(_ paths: [String], policy: PolicyOptions) throws -> PolicyReport {
        var iacPaths: [String] = []
        var resources: [PolicyResource] = []
        var problems: [ScanProblem] = []
        var files = 0
        var waivers = try policy.loadWaivers()
        for path in paths where isBlueprint(path) {
            let prepared: StackEngine.Prepared
            do {
                prepared = try StackEngine.prepare(path: path, environment: nil, variables: [:])
            } catch {
                problems.append(ScanProblem(file: path, line: 1, message: "not a valid blueprint (`dharma validate \(path)` says why)"))
                continue
            }
            resources += BlueprintAdapter.model(prepared.blueprint, variables: prepared.variables)
            waivers += try policy.loadWaivers(blueprint: path).filter { !waivers.contains($0) }
            files += 1
        }
        iacPaths = paths.filter { !isBlueprint($0) }
        let scanned = PolicyScanner().scan(iacPaths)
        resources += scanned.resources
        problems += scanned.problems
        files += scanned.files
        let base = paths.first.map { path -> String in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            return isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        } ?? "."
        let rules = try policy.rules(near: base.isEmpty ? "." : base)
        let findings = PolicyEngine(rules: rules, waivers: waivers).evaluate(resources, today: PolicyOptions.today)
        return PolicyReport(findings: findings, problems: problems, files: files, resources: resources.count)
    }

    static func isBlueprint(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml"), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
        return head.contains("dharma.dev/v3")
    }
}
