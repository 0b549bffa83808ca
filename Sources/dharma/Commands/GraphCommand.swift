import ArgumentParser
import DharmaCore
import DharmaService

struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the dependency graph as Graphviz DOT.",
        discussion: """
            Examples:
              dharma graph examples/webapp.yaml | dot -Tpng > webapp.png
            """)

    @Argument(help: "The blueprint file.") var file: String
    @Flag(help: "Print {\"nodes\": [...], \"edges\": [...]} instead of DOT.") var json = false

    func run() async throws {
        try await runReporting {
            let loaded = BlueprintLoader().load(path: file)
            guard let blueprint = loaded.blueprint else {
                throw ServiceError.invalidBlueprint(loaded.diagnostics, loaded.source)
            }
            let labels = Dictionary(uniqueKeysWithValues: blueprint.resources.map { ($0.name, $0.type) })
            let graph = BlueprintReferences.graph(of: blueprint)
            if json {
                print(
                    Value.map([
                        "nodes": .list(graph.nodes.map { .map(["name": .string($0), "type": .string(labels[$0] ?? "")]) }),
                        "edges": .list(
                            graph.nodes.flatMap { node in
                                graph.dependencies(of: node).map { Value.map(["from": .string(node), "to": .string($0)]) }
                            }),
                        "order": .list((graph.topologicalOrder() ?? []).map(Value.string)),
                    ]).jsonText)
            } else {
                print(graph.dot(name: blueprint.metadata.name, labels: labels), terminator: "")
            }
        }
    }
}
