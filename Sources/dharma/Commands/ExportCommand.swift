import ArgumentParser
import DharmaCore
import DharmaService
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

    @Option(
        help:
            "Move every resource to this provider (aws, azure, gcp, digitalocean, alibaba, ibm, oracle, vsphere, openstack, proxmox, kubernetes, snowflake, databricks)."
    )
    var provider: String?

    @Option(help: "Region for resources moved by --provider (default: the provider's default region).")
    var region: String?

    @Option(help: "Directory to write the files to (created when missing).")
    var out: String

    @Flag(help: "Print {\"files\": [...]} instead of a summary.")
    var json = false

    @OptionGroup var remote: RemoteOptions

    func validate() throws {
        if remote.isRemote, provider != nil || region != nil { throw ValidationError("--provider and --region are not taken with --remote yet") }
    }

    func run() async throws {
        try await runReporting {
            if remote.isRemote {
                // The server generates the stack's newest blueprint version.
                return try await remote.withService { service in
                    let address = try await service.address(of: blueprint.file, environment: blueprint.stack.environment)
                    let files = try await service.export(address, format: format)
                    for file in files {
                        let path = (out as NSString).appendingPathComponent(file.path)
                        do {
                            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                            try file.contents.write(to: URL(fileURLWithPath: path))
                        } catch {
                            throw ServiceError.failed("cannot write \(path): \(error.localizedDescription)")
                        }
                    }
                    if json { return print(RemoteRunOutput.json(["files": files.map(\.path)])) }
                    print("Wrote \(files.count) file\(files.count == 1 ? "" : "s") to \(out): " + files.map(\.path).joined(separator: ", "))
                }
            }
            let written = try ExportService(context: .cli).export(
                .init(
                    blueprint: try blueprint.input(), format: format, provider: provider,
                    region: region, directory: out))
            if json {
                print(written.json.jsonText)
            } else {
                print(
                    "Wrote \(written.files.count) file\(written.files.count == 1 ? "" : "s") for \(written.resources) resources to \(out): "
                        + written.files.joined(separator: ", "))
            }
        }
    }
}
