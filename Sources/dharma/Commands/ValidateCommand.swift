import ArgumentParser
import DharmaClient
import DharmaCore
import DharmaService

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check blueprints and report every problem at once.",
        discussion: """
            Each problem is printed as FILE:LINE:COL: error[CODE]: message, with the source line, a caret and a hint where there is one. Exits 2 when anything is wrong, 3 when a policy check at or above --fail-on (or the blueprint's policy.failOn) fails.

            Examples:
              dharma validate examples/webapp.yaml
              dharma validate examples/*.yaml --json
            """)

    @Argument(help: "Blueprint files.", completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    @Flag(help: "Print {\"valid\": bool, \"diagnostics\": [...]}.")
    var json = false

    @OptionGroup var policy: PolicyOptions
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await runReporting {
            if remote.isRemote { return try await runRemote() }
            let result = try StackService(context: .cli).validate(files, policy: try policy.settings())
            if json {
                var object: [String: Value] = ["valid": .bool(result.valid), "diagnostics": .list(result.diagnostics.map(\.jsonValue))]
                if result.valid { object["policy"] = .list(result.reports.map(\.json)) }
                print(Value.map(object).jsonText)
            } else {
                let renderer = DiagnosticRenderer(sources: result.sources, colour: Terminal.colour)
                for diagnostic in result.diagnostics { print(renderer.render(diagnostic)) }
                let errors = result.diagnostics.filter { $0.severity == .error }.count
                print(result.valid ? "\(files.count == 1 ? files[0] : "\(files.count) blueprints"): valid" : "\(errors) error\(errors == 1 ? "" : "s") found")
                for report in result.reports { print(PolicySummary.line(report)) }
            }
            do throws(ServiceError) {
                try result.enforce()
            } catch {
                // The diagnostics are printed already; an invalid blueprint only sets the exit code.
                if error.category == .invalidInput { throw ExitCode(Exit.invalidInput) }
                throw error
            }
        }
    }

    /// The same checks on the server: diagnostics as `validate` prints them, then the verdict.
    func runRemote() async throws {
        try await remote.withService { service in
            var invalid = false
            var verdict: String?
            for file in files {
                let result = try await service.validate(file)
                if json { print(RemoteRunOutput.json(result)) }
                if !json { for diagnostic in result.diagnostics { print(diagnostic.rendered.replacingOccurrences(of: "blueprint.yaml", with: file)) } }
                let errors = result.diagnostics.filter { $0.severity == .error }.count
                let failing = result.findings.filter { !$0.passed }.count
                if !json {
                    print(
                        result.valid
                            ? "\(file): valid (\(failing) failing policy check\(failing == 1 ? "" : "s"))" : "\(errors) error\(errors == 1 ? "" : "s") found")
                }
                invalid = invalid || !result.valid
                verdict = verdict ?? result.policyVerdict
            }
            if invalid { throw ExitCode(Exit.invalidInput) }
            if let verdict { throw ServiceError.policyViolation(verdict) }
        }
    }
}
