import ArgumentParser
import DharmaCore

struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the dependency graph as Graphviz DOT.",
        discussion: """
            Examples:
              dharma graph examples/webapp.yaml | dot -Tpng > webapp.png
            """)

    @Argument(help: "The blueprint file.") var file: String

    func run() async throws {
        try await runReporting {
            let loaded = BlueprintLoader().load(path: file)
            guard let blueprint = loaded.blueprint else {
                throw CLIFailure(message: "the blueprint is not valid", code: Exit.invalidInput, diagnostics: loaded.diagnostics, source: loaded.source)
            }
            let labels = Dictionary(uniqueKeysWithValues: blueprint.resources.map { ($0.name, $0.type) })
            print(BlueprintReferences.graph(of: blueprint).dot(name: blueprint.metadata.name, labels: labels), terminator: "")
        }
    }
}
