import ArgumentParser
import DharmaCore
import DharmaPolicy
import DharmaService
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

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif, junit
    }

    @Argument(help: "Directories and files to scan.") var paths: [String]
    @OptionGroup var policy: PolicyOptions

    @Option(help: "text, json, sarif or junit.") var format: String = "text"
    @Flag(help: "Same as --format json.") var json = false
    @Option(help: "Write the report to this file instead of standard output.") var out: String?

    @OptionGroup var remote: RemoteOptions

    func validate() throws {
        if remote.isRemote, !["text", "json"].contains(format.lowercased()) { throw ValidationError("--remote prints text or json") }
    }

    func run() async throws {
        try await runReporting {
            if remote.isRemote {
                // Each file is checked on the server, against its rules.
                return try await remote.withService { service in
                    var failed = 0
                    var verdicts: [String] = []
                    for file in paths {
                        let report = try await service.scan(file)
                        if json || self.format == "json" { print(RemoteReport.json(report)) }
                        for finding in report["findings"] as? [[String: Any]] ?? [] {
                            failed += 1
                            if !(json || self.format == "json") {
                                print(
                                    "\(file): \(finding["rule"] as? String ?? "?") \(finding["severity"] as? String ?? "") \(finding["resource"] as? String ?? "?"): \(finding["title"] as? String ?? "")"
                                )
                            }
                        }
                        if let verdict = report["verdict"] as? String { verdicts.append(verdict) }
                    }
                    if !(json || self.format == "json") {
                        print("\(failed) failing check\(failed == 1 ? "" : "s") in \(paths.count) file\(paths.count == 1 ? "" : "s")")
                    }
                    if let verdict = verdicts.first { throw ServiceError.policyViolation(verdict) }
                }
            }
            guard let format = json ? .json : Format(rawValue: format.lowercased()) else {
                throw ServiceError.invalidInput("--format \(self.format): choose text, json, sarif or junit")
            }
            let (report, verdict) = try PolicyService(context: .cli).scan(paths, settings: try policy.settings())
            let rendered: String
            switch format {
            case .json: rendered = report.json.jsonText + "\n"
            case .sarif:
                rendered =
                    SARIFReport.render(
                        report, scanRoot: PathScan.base(of: paths), workingDirectory: FileManager.default.currentDirectoryPath,
                        version: Dharma.version
                    ).jsonText + "\n"
            case .junit: rendered = JUnitReport.render(report)
            case .text: rendered = report.text()
            }
            if let out {
                do { try rendered.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                    throw ServiceError.failed("cannot write \(out): \(error.localizedDescription)")
                }
            } else {
                print(rendered, terminator: "")
            }
            if let message = verdict.message { throw ServiceError.policyViolation(message) }
            if !report.problems.isEmpty { throw ExitCode(Exit.invalidInput) }
        }
    }
}
