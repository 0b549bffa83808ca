import ArgumentParser
import DharmaCore

struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "Print the stack's outputs from its last apply.",
        discussion: """
            Examples:
              dharma output -f examples/webapp.yaml
              dharma output url -f examples/webapp.yaml
            """)

    @Argument(help: "One output's name; all when omitted.") var name: String?
    @OptionGroup var selection: StackSelection
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReporting {
            let (engine, stack) = try await selection.open()
            let outputs = try await engine.store.outputs(of: stack)
            if let name {
                guard let value = outputs[name] else {
                    throw CLIFailure(message: "no output `\(name)` is recorded for \(stack)"
                        + (Suggestion.hint(for: name, in: outputs.keys).map { "; \($0)" } ?? ""), code: Exit.invalidInput)
                }
                print(json ? value.jsonText : value.interpolated)
            } else if json {
                print(Value.map(outputs).jsonText)
            } else {
                for (key, value) in outputs.sorted(by: { $0.key < $1.key }) { print("\(key) = \(value.rendered)") }
            }
        }
    }
}
