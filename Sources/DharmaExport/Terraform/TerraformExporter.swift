import DharmaCore

/// Writes a stack as a Terraform / OpenTofu configuration: `main.tf` (with the
/// `required_providers` block), `variables.tf` and `outputs.tf`.
public struct TerraformExporter: Sendable {
    static let mappings: [ProviderName: any TerraformProvider] = Dictionary(
        uniqueKeysWithValues: ([
            AWSTerraform(), AzureTerraform(), GoogleTerraform(), DigitalOceanTerraform(), AlicloudTerraform(), IBMTerraform(),
            OCITerraform(), VSphereTerraform(), OpenStackTerraform(), ProxmoxTerraform(), KubernetesTerraform(),
            SnowflakeTerraform(), DatabricksTerraform(),
        ] as [any TerraformProvider]).map { ($0.provider, $0) })

    /// The Terraform provider names, for help text and errors.
    public static var providerNames: [String] { mappings.values.map(\.localName).sorted() }

    public init() {}

    /// What a Terraform configuration of the stack consists of, before it is written out.
    struct Configuration {
        /// Regions used per provider, the first being the default (un-aliased) one.
        var regions: [ProviderName: [String]]
        /// `resource` and `data` blocks, in dependency order, then the shared ones.
        var body: [HCLBlock]
        var providerVariables: [HCLBlock]
        var outputs: [HCLBlock]
        var needsRandom: Bool
    }

    public func export(_ stack: ExportStack) throws(ExportError) -> [GeneratedFile] {
        let configuration = try configuration(stack)
        var header: [HCLBlock] = [terraformBlock(providers: configuration.regions.keys.sorted(), random: configuration.needsRandom)]
        for provider in configuration.regions.keys.sorted() {
            guard let mapping = Self.mappings[provider], let regions = configuration.regions[provider] else { continue }
            for (index, region) in regions.enumerated() {
                var items = mapping.configuration(region: region, stack: stack)
                if index > 0 { items.insert(.attr("alias", Self.alias(region)), at: 0) }
                header.append(HCLBlock("provider", [mapping.localName], items))
            }
        }
        return [
            GeneratedFile("main.tf", HCLWriter.file(header + configuration.body)),
            GeneratedFile("variables.tf", HCLWriter.file(variableBlocks(stack) + configuration.providerVariables)),
            GeneratedFile("outputs.tf", HCLWriter.file(configuration.outputs)),
        ]
    }

    func configuration(_ stack: ExportStack) throws(ExportError) -> Configuration {
        let context = TerraformContext(stack: stack, mappings: Self.mappings)
        var used: [ProviderName: [String]] = [:]
        var body: [HCLBlock] = []
        var errors: [ExportError] = []
        var needsRandom = false
        for resource in stack.resources {
            guard let mapping = Self.mappings[resource.provider] else {
                errors.append(
                    ExportError(
                        "resource `\(resource.name)`: Terraform export does not support provider `\(resource.provider.rawValue)`; it supports "
                            + Self.providerNames.joined(separator: ", "), at: resource.location))
                continue
            }
            guard mapping.supportedTypes.contains(resource.type) else {
                errors.append(.unsupported(resource, "Terraform provider \(mapping.localName)", Array(mapping.supportedTypes)))
                continue
            }
            do {
                var blocks = try mapping.blocks(for: resource, in: context)
                let regions = used[resource.provider, default: []]
                if !regions.contains(resource.region) { used[resource.provider, default: []].append(resource.region) }
                let alias = (used[resource.provider]?.first).flatMap { $0 == resource.region ? nil : Self.alias(resource.region) }
                for index in blocks.indices where blocks[index].labels.first?.hasPrefix("random_") == false {
                    if let alias { blocks[index].items.insert(.ref("provider", "\(mapping.localName).\(alias)"), at: 0) }
                }
                needsRandom = needsRandom || blocks.contains { $0.labels.first?.hasPrefix("random_") == true }
                if !resource.dependsOn.isEmpty, !blocks.isEmpty {
                    let addresses = resource.dependsOn.compactMap { context.primaryAddress(of: $0) }
                    if !addresses.isEmpty { blocks[blocks.count - 1].items.append(.attr("depends_on", .list(addresses.map(HCL.traversal)))) }
                }
                body += blocks
            } catch {
                errors.append(error)
            }
        }
        if let first = errors.first {
            throw errors.count == 1 ? first : ExportError(errors.map(\.description).joined(separator: "\n"))
        }
        var providerVariables: [HCLBlock] = []
        for provider in used.keys.sorted() {
            guard let mapping = Self.mappings[provider], let region = used[provider]?.first else { continue }
            let shared = mapping.sharedBlocks(for: stack.resources.filter { $0.provider == provider }, stack: stack, region: region)
            providerVariables += shared.filter { $0.type == "variable" }
            body += shared.filter { $0.type != "variable" }
        }
        var outputs: [HCLBlock] = []
        for output in stack.outputs {
            outputs.append(HCLBlock("output", [output.name], [.attr("value", try context.hcl(output.expr))]))
        }
        return Configuration(regions: used, body: body, providerVariables: providerVariables, outputs: outputs, needsRandom: needsRandom)
    }

    private func terraformBlock(providers: [ProviderName], random: Bool) -> HCLBlock {
        var required: [(String, HCL)] = providers.compactMap { name in
            Self.mappings[name].map { ($0.localName, .object([("source", .string($0.source)), ("version", .string($0.versionConstraint))])) }
        }
        if random { required.append(("random", .object([("source", .string("hashicorp/random")), ("version", .string("~> 3.6"))]))) }
        required.sort { $0.0 < $1.0 }
        return HCLBlock("terraform", [], [.attr("required_version", ">= 1.6.0"), .nested("required_providers", required.map { .attribute($0.0, $0.1) })])
    }

    private func variableBlocks(_ stack: ExportStack) -> [HCLBlock] {
        stack.variables.map { declaration in
            var items: [HCLBlock.Item] = [.ref("type", Self.terraformType(declaration.kind))]
            if let description = declaration.description { items.insert(.attr("description", description), at: 0) }
            if let value = declaration.defaultValue, value != .null { items.append(.attr("default", HCL.literal(value))) }
            if declaration.sensitive { items.append(.attr("sensitive", true)) }
            return HCLBlock("variable", [declaration.name], items)
        }
    }

    static func terraformType(_ kind: VariableDeclaration.Kind) -> String {
        switch kind {
        case .string: return "string"
        case .integer, .number: return "number"
        case .boolean: return "bool"
        case .list: return "list(any)"
        case .map: return "map(any)"
        }
    }

    static func alias(_ region: String) -> String {
        String(region.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
