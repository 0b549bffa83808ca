import ArgumentParser
import DharmaCore
import DharmaService
import Foundation

struct ComplianceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "Compliance reports per framework.",
        subcommands: [Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Each control of a framework: pass, fail or not applicable, with coverage and a score.",
            discussion: """
                Frameworks: cis, soc2, iso27001, hipaa, pci-dss, nist-800-53, gdpr, fedramp. A control passes when every resource its rules check passes, fails when one fails (unless waived), and is not applicable when no rule of it found anything to check. Coverage is the share of controls with applicable checks; the score is the share of those that pass.

                Examples:
                  dharma compliance report examples/aws-3tier.yaml --framework soc2
                  dharma compliance report infra/ --framework pci-dss --json
                """)

        @Argument(help: "A blueprint, a directory or a file to assess.") var path: String
        @Option(help: "cis, soc2, iso27001, hipaa, pci-dss, nist-800-53, gdpr or fedramp (repeatable).") var framework: [String]
        @OptionGroup var policy: PolicyOptions
        @Flag(help: "Print JSON.") var json = false

        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            try await runReporting {
                if remote.isRemote {
                    // The server assesses the stack's newest blueprint version.
                    return try await remote.withService { service in
                        let address = try await service.address(of: path, environment: nil)
                        let report = try await service.compliance(address, frameworks: framework)
                        if json { return print(RemoteReport.json(report)) }
                        for entry in report["reports"] as? [[String: Any]] ?? [] {
                            print(
                                "\(entry["title"] as? String ?? "?"): score \(entry["scorePercent"] ?? "?") % of applicable controls pass; "
                                    + "coverage \(entry["coveragePercent"] ?? "?") %")
                            for control in entry["controls"] as? [[String: Any]] ?? [] where control["status"] as? String == "fail" {
                                print("  ✗ \(control["id"] as? String ?? "?"): \((control["failing"] as? [String] ?? []).prefix(5).joined(separator: ", "))")
                            }
                        }
                    }
                }
                let result = try PolicyService(context: .cli).compliance(path, frameworks: framework, settings: try policy.settings())
                if json {
                    print(Value.map(["reports": .list(result.reports.map(\.json))]).jsonText)
                } else {
                    print(result.reports.map(\.text).joined(separator: "\n"), terminator: "")
                }
                if !result.problems.isEmpty {
                    for problem in result.problems { Terminal.error("not scanned: \(problem.file):\(problem.line): \(problem.message)") }
                    throw ExitCode(Exit.invalidInput)
                }
            }
        }
    }
}
