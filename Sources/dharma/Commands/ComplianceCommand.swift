import ArgumentParser
import DharmaCore
import DharmaPolicy
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

        func run() async throws {
            try await runReporting {
                var frameworks: [Framework] = []
                for name in framework {
                    guard let parsed = Framework(rawValue: name.lowercased()) else {
                        let names = Framework.allCases.map(\.rawValue)
                        throw CLIFailure(message: "--framework \(name): choose one of " + names.joined(separator: ", ")
                            + (Suggestion.hint(for: name, in: names).map { " (\($0))" } ?? ""), code: Exit.invalidInput)
                    }
                    frameworks.append(parsed)
                }
                guard !frameworks.isEmpty else { throw CLIFailure(message: "name a framework with --framework", code: Exit.invalidInput) }
                let scanned = try ScanCommand.scan([path], policy: policy)
                let base = FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("policies")) ? path : (path as NSString).deletingLastPathComponent
                let rules = try policy.rules(near: base.isEmpty ? "." : base)
                let reports = frameworks.map { ComplianceReport(framework: $0, rules: rules, findings: scanned.findings) }
                if json {
                    print(Value.map(["reports": .list(reports.map(\.json))]).jsonText)
                } else {
                    print(reports.map(\.text).joined(separator: "\n"), terminator: "")
                }
                if !scanned.problems.isEmpty {
                    for problem in scanned.problems { Terminal.error("not scanned: \(problem.file):\(problem.line): \(problem.message)") }
                    throw ExitCode(Exit.invalidInput)
                }
            }
        }
    }
}
