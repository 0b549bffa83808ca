import ArgumentParser
import DharmaCore
import DharmaService

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
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await runReporting {
            if remote.isRemote {
                return try await remote.withService { service in
                    let address = try await service.address(stack: selection.stack, file: selection.file, environment: selection.environment)
                    let outputs = try await service.outputs(address)
                    if let name {
                        guard let value = outputs.value[name] else { throw ServiceError.notFound("no output `\(name)` on \(address.reference)") }
                        return print(json ? RemoteRunOutput.json(outputs) : "\(value ?? "null")")
                    }
                    if json { return print(RemoteRunOutput.json(outputs)) }
                    for (key, value) in outputs.value.sorted(by: { $0.key < $1.key }) { print("\(key) = \(value ?? "null")") }
                }
            }
            let service = StateService(context: .cli)
            if let name {
                let value = try await service.output(name, selection.selector)
                print(json ? value.jsonText : value.interpolated)
                return
            }
            let (_, outputs) = try await service.outputs(selection.selector)
            if json {
                print(Value.map(outputs).jsonText)
            } else {
                for (key, value) in outputs.sorted(by: { $0.key < $1.key }) { print("\(key) = \(value.rendered)") }
            }
        }
    }
}
