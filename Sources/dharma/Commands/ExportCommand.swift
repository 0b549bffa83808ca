import ArgumentParser
import DharmaCore
import DharmaCost
import DharmaExport
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Generate Terraform, CloudFormation, Bicep, Pulumi or Kubernetes code from a blueprint.",
        discussion: """
            The generated code is secure by default: encryption at rest with a stack key, public access blocked unless the blueprint asks for it, versioning and logs where the provider has them, and owner/environment/stack tags on everything. A resource type a provider cannot express is an error naming both; nothing is dropped silently.

            Formats: terraform (also opentofu), cloudformation, cloudformation-json, bicep (azure), pulumi (aws, azure, gcp), kubernetes.

            Examples:
              dharma export examples/aws-3tier.yaml --format terraform --out tf
              dharma export examples/aws-3tier.yaml --format terraform \\
                --provider azure --out azure
              dharma export examples/aws-3tier.yaml --format cloudformation --out cfn
              dharma export examples/webapp.yaml --format kubernetes \\
                --provider kubernetes --out k8s
            """)

    @OptionGroup var blueprint: BlueprintOptions

    @Option(help: "terraform, cloudformation, cloudformation-json, bicep, pulumi or kubernetes.")
    var format: String

    @Option(help: "Move every resource to this provider (aws, azure, gcp, digitalocean, alibaba, ibm, oracle, vsphere, openstack, proxmox, kubernetes, snowflake, databricks).")
    var provider: String?

    @Option(help: "Region for resources moved by --provider (default: the provider's default region).")
    var region: String?

    @Option(help: "Directory to write the files to (created when missing).")
    var out: String

    @Flag(help: "Print {\"files\": [...]} instead of a summary.")
    var json = false

    /// The instance type `dharma cost` would price for each VM and cluster without one, where
    /// they land; mappings fall back to a general-purpose type where the catalog has no price.
    static func pricedSizes(_ stack: ExportStack) -> [String: String] {
        guard let catalog = try? PriceCatalog.bundled() else { return [:] }
        let estimator = CostEstimator(catalog: catalog)
        var sizes: [String: String] = [:]
        for resource in stack.resources where ["compute.vm", "compute.cluster"].contains(resource.type) {
            let inputs = resource.properties.compactMapValues(\.resolved)
            let cost = estimator.estimate(PricedResource(name: resource.name, type: resource.type, provider: resource.provider,
                                                         region: resource.region, inputs: inputs))
            let names = Set(catalog.prices(for: resource.provider)?.instances.map(\.name) ?? [])
            if let choice = cost.choice?.split(separator: " ").map(String.init).first(where: names.contains) {
                sizes[resource.name] = choice
            }
        }
        return sizes
    }

    func run() async throws {
        try await runReporting {
            guard let format = ExportFormat(name: format) else {
                let names = ExportFormat.allCases.map(\.rawValue)
                throw CLIFailure(message: "--format \(self.format): unknown format; choose one of \(names.joined(separator: ", "))"
                    + (Suggestion.hint(for: self.format, in: names).map { " (\($0))" } ?? ""), code: Exit.invalidInput)
            }
            var target: ProviderName?
            if let provider {
                guard let name = ProviderName(rawValue: provider.lowercased()), name != .local else {
                    let names = ProviderName.allCases.filter { $0 != .local }.map(\.rawValue)
                    throw CLIFailure(message: "--provider \(provider): unknown provider; choose one of \(names.joined(separator: ", "))"
                        + (Suggestion.hint(for: provider, in: names).map { " (\($0))" } ?? ""), code: Exit.invalidInput)
                }
                target = name
            }
            let prepared = try blueprint.prepare()
            var options = ExportStack.Options(provider: target, region: region)
            options.sizes = Self.pricedSizes(ExportStack(blueprint: prepared.blueprint, variables: prepared.variables, options: options))
            let stack = ExportStack(blueprint: prepared.blueprint, variables: prepared.variables, options: options)
            let files: [GeneratedFile]
            do {
                files = try format.export(stack)
            } catch let error as ExportError {
                throw CLIFailure(message: error.description, code: Exit.invalidInput)
            }
            let manager = FileManager.default
            for file in files {
                let path = (out as NSString).appendingPathComponent(file.path)
                do {
                    try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path))
                } catch {
                    throw CLIFailure(message: "cannot write \(path): \(error.localizedDescription)", code: Exit.failure)
                }
            }
            if json {
                print(Value.map(["format": .string(format.rawValue), "directory": .string(out),
                                 "files": .list(files.map { .string($0.path) })]).jsonText)
            } else {
                print("Wrote \(files.count) file\(files.count == 1 ? "" : "s") for \(stack.resources.count) resources to \(out): "
                    + files.map(\.path).joined(separator: ", "))
            }
        }
    }
}
