import ArgumentParser
import DharmaCore
import DharmaEngine
import DharmaPolicy

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check blueprints and report every problem at once.",
        discussion: """
            Each problem is printed as FILE:LINE:COL: error[CODE]: message, with the source line, a caret and a hint where there is one. Exits 2 when anything is wrong.

            Examples:
              dharma validate examples/webapp.yaml
              dharma validate examples/*.yaml --json
            """)

    @Argument(help: "Blueprint files.", completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    @Flag(help: "Print {\"valid\": bool, \"diagnostics\": [...]}.")
    var json = false

    @OptionGroup var policy: PolicyOptions

    func run() async throws {
        var all: [Diagnostic] = []
        var sources: [String: SourceText] = [:]
        for file in files {
            let result = BlueprintLoader().load(path: file)
            all += result.diagnostics
            if let source = result.source { sources[file] = source }
        }
        let valid = !all.hasErrors
        // Valid blueprints are also checked against the policy rules.
        var reports: [PolicyReport] = []
        if valid {
            try await runReporting {
                for file in files {
                    let prepared = try StackEngine.prepare(path: file, environment: nil, variables: [:])
                    reports.append(try BlueprintPolicy.evaluate(prepared, options: policy))
                }
            }
        }
        if json {
            var object: [String: Value] = ["valid": .bool(valid), "diagnostics": .list(all.map(\.jsonValue))]
            if valid { object["policy"] = .list(reports.map(\.json)) }
            print(Value.map(object).jsonText)
        } else {
            let renderer = DiagnosticRenderer(sources: sources, colour: Terminal.colour)
            for diagnostic in all { print(renderer.render(diagnostic)) }
            let errors = all.filter { $0.severity == .error }.count
            print(valid ? "\(files.count == 1 ? files[0] : "\(files.count) blueprints"): valid" : "\(errors) error\(errors == 1 ? "" : "s") found")
            for report in reports { print(BlueprintPolicy.summary(report)) }
        }
        if !valid { throw ExitCode(Exit.invalidInput) }
        try await runReporting {
            let threshold = try policy.threshold(default: nil)
            for report in reports { try BlueprintPolicy.gate(report, threshold: threshold) }
        }
    }
}
