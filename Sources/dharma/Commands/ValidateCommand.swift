import ArgumentParser
import DharmaCore

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check blueprints and report every problem at once.",
        discussion: """
            Each problem is printed as FILE:LINE:COL: error[CODE]: message, with the source line,
            a caret and a hint where there is one. Exits 2 when anything is wrong.

            Examples:
              dharma validate examples/webapp.yaml
              dharma validate examples/*.yaml --json
            """)

    @Argument(help: "Blueprint files.", completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    @Flag(help: "Print {\"valid\": bool, \"diagnostics\": [...]}.")
    var json = false

    func run() async throws {
        var all: [Diagnostic] = []
        var sources: [String: SourceText] = [:]
        for file in files {
            let result = BlueprintLoader().load(path: file)
            all += result.diagnostics
            if let source = result.source { sources[file] = source }
        }
        let valid = !all.hasErrors
        if json {
            print(Value.map(["valid": .bool(valid), "diagnostics": .list(all.map(\.jsonValue))]).jsonText)
        } else {
            let renderer = DiagnosticRenderer(sources: sources, colour: Terminal.colour)
            for diagnostic in all { print(renderer.render(diagnostic)) }
            let errors = all.filter { $0.severity == .error }.count
            print(valid ? "\(files.count == 1 ? files[0] : "\(files.count) blueprints"): valid" : "\(errors) error\(errors == 1 ? "" : "s") found")
        }
        if !valid { throw ExitCode(Exit.invalidInput) }
    }
}
