import ArgumentParser
import DharmaCore

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of blueprints, catalog included.",
        discussion: """
            Point the YAML language server at it for completion and checking in VS Code:
              dharma schema > dharma.schema.json
              # first line of a blueprint:
              # yaml-language-server: $schema=./dharma.schema.json
            """)

    func run() {
        print(BlueprintSchema.json(), terminator: "")
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Dharma's version.")

    @Flag(help: "Print JSON.") var json = false

    func run() {
        if json {
            print(Value.map(["version": .string(Dharma.version), "blueprintFormat": .string(Blueprint.apiVersion)]).jsonText)
        } else {
            print("dharma \(Dharma.version) (blueprints: \(Blueprint.apiVersion))")
        }
    }
}
