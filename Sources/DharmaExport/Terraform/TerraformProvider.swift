import DharmaCore

/// How one Terraform provider expresses Dharma's abstract resource types.
///
/// Each implementation is a mapping table: for a (type, provider) pair, the real resource
/// types and attributes of that provider's current Terraform provider, secure by default.
protocol TerraformProvider: Sendable {
    var provider: ProviderName { get }
    /// The provider's local name in `required_providers` and in resource type prefixes.
    var localName: String { get }
    var source: String { get }
    var versionConstraint: String { get }
    /// The abstract types this mapping can express.
    var supportedTypes: Set<String> { get }

    /// Attributes of the `provider` block for one region.
    func configuration(region: String, stack: ExportStack) -> [HCLBlock.Item]
    func blocks(for resource: ExportResource, in context: TerraformContext) throws(ExportError) -> [HCLBlock]
    /// Abstract output name → Terraform expression, for `${name.output}` references.
    func outputs(of resource: ExportResource) -> [String: String]
    /// Stack-wide blocks (keys, log sinks, a resource group) that this provider's resources
    /// refer to; `region` is the provider's first region.
    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock]
}

extension TerraformProvider {
    func configuration(region: String, stack: ExportStack) -> [HCLBlock.Item] { [] }
    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock] { [] }
}

/// Builds `resource "TYPE" "NAME" { ... }` blocks.
func resource(_ type: String, _ name: String, _ items: [HCLBlock.Item]) -> HCLBlock {
    HCLBlock("resource", [type, name], items)
}

extension HCLBlock.Item {
    static func attr(_ name: String, _ value: HCL) -> HCLBlock.Item { .attribute(name, value) }
    static func attr(_ name: String, _ text: String) -> HCLBlock.Item { .attribute(name, .string(text)) }
    static func attr(_ name: String, _ number: Int) -> HCLBlock.Item { .attribute(name, .int(number)) }
    static func attr(_ name: String, _ flag: Bool) -> HCLBlock.Item { .attribute(name, .bool(flag)) }
    static func ref(_ name: String, _ path: String) -> HCLBlock.Item { .attribute(name, .traversal(path)) }
    static func nested(_ type: String, _ items: [HCLBlock.Item]) -> HCLBlock.Item { .block(HCLBlock(type, [], items)) }
}
