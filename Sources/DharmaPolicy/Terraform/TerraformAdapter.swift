import Foundation

/// Maps Terraform resources onto the common model. Each native type has one mapping; split
/// companions (`aws_s3_bucket_versioning`, `aws_flow_log`, …) are folded into the resource
/// they configure, found by reference, by name, or through a local.
///
/// Normalisation follows the documented behaviour of each provider (and Checkov's reading of
/// it, so verdicts agree): a missing attribute takes the provider's default, and a value that
/// depends on something the scan cannot know stays `unknown`.
public enum TerraformAdapter {
    /// Resources are linked within their module (directory) only, as Terraform scopes names.
    public static func model(_ resources: [ScannedResource]) -> [PolicyResource] {
        var modules: [String: [ScannedResource]] = [:]
        var order: [String] = []
        for resource in resources {
            let folder = (resource.file as NSString).deletingLastPathComponent
            if modules[folder] == nil { order.append(folder) }
            modules[folder, default: []].append(resource)
        }
        return order.flatMap { model(module: modules[$0] ?? []) }
    }

    static func model(module resources: [ScannedResource]) -> [PolicyResource] {
        let links = Links(resources)
        return resources.compactMap { resource in
            guard let mapping = mappings[resource.type] else { return nil }
            var (kind, properties) = mapping(resource, links)
            if properties["tags"] == nil { properties["tags"] = resource["tags"] ?? resource["labels"] ?? .map([:]) }
            if properties["name"] == nil, let name = resource["name"] ?? resource["bucket"] { properties["name"] = known(name) }
            let provider = String(resource.type.prefix { $0 != "_" })
            return PolicyResource(
                address: resource.address, nativeType: resource.type, kind: kind,
                provider: ["azurerm": "azure", "google": "gcp"][provider] ?? provider,
                file: resource.file, line: resource.line, properties: properties)
        }
    }

    typealias Mapping = @Sendable (ScannedResource, Links) -> (String, [String: PolicyValue])

    static let mappings: [String: Mapping] = storageMappings.merging(networkMappings) { a, _ in a }
        .merging(dataMappings) { a, _ in a }.merging(identityMappings) { a, _ in a }.merging(serviceMappings) { a, _ in a }

    /// Which companion resources point at which resource.
    struct Links: Sendable {
        private var byTarget: [String: [ScannedResource]] = [:]
        private var byType: [String: [ScannedResource]] = [:]

        init(_ resources: [ScannedResource]) {
            var names: [String: [String]] = [:]
            for resource in resources {
                byType[resource.type, default: []].append(resource)
                for key in ["bucket", "name"] {
                    if let name = Self.nameKey(resource[key]) { names[name, default: []].append(resource.address) }
                }
            }
            for resource in resources {
                var targets: Set<String> = []
                Self.collect(resource.attributes, names: names, into: &targets)
                targets.remove(resource.address)
                for target in targets { byTarget[target, default: []].append(resource) }
            }
        }

        private static func collect(_ attributes: [String: PolicyValue], names: [String: [String]], into targets: inout Set<String>) {
            for value in attributes.values { collect(value, names: names, into: &targets) }
        }

        private static func collect(_ value: PolicyValue, names: [String: [String]], into targets: inout Set<String>) {
            switch value {
            case .reference(let address, _):
                targets.insert(address)
                if let bracket = address.firstIndex(of: "[") { targets.insert(String(address[..<bracket])) }
                if let key = nameKey(value) { targets.formUnion(names[key] ?? []) }
            case .string(let text): targets.formUnion(names[text] ?? [])
            case .list(let items): for item in items { collect(item, names: names, into: &targets) }
            case .map(let entries): collect(entries, names: names, into: &targets)
            default: break
            }
        }

        /// What a `bucket`/`name` attribute names: its text, or the variable it comes from.
        static func nameKey(_ value: PolicyValue?) -> String? {
            switch value {
            case .string(let text)?: return text
            case .reference(let address, let attribute)? where address.hasPrefix("var."): return "\(address).\(attribute)"
            default: return nil
            }
        }

        /// Resources of `type` that refer to `resource`.
        func companions(of resource: ScannedResource, type: String) -> [ScannedResource] {
            let direct = byTarget[resource.address] ?? []
            let base = resource.address == resource.baseAddress ? [] : (byTarget[resource.baseAddress] ?? [])
            return (direct + base).filter { $0.type == type }
        }

        func resources(ofType type: String) -> [ScannedResource] { byType[type] ?? [] }
    }

    // MARK: helpers for mappings

    /// The first item of a block list (`versioning { … }` → its map).
    static func block(_ value: PolicyValue?) -> [String: PolicyValue]? {
        switch value {
        case .list(let items)?: return items.first?.mapEntries
        case .map(let entries)?: return entries
        default: return nil
        }
    }

    /// `a.b.c` through blocks and maps.
    static func dig(_ value: PolicyValue?, _ path: String...) -> PolicyValue? {
        var current = value
        for key in path {
            switch current {
            case .list(let items)?: current = items.first?[key]
            case .map(let entries)?: current = entries[key]
            case .unknown?: return .unknown
            default: return nil
            }
        }
        return current
    }

    /// A boolean attribute with the provider's default when it is missing.
    static func flag(_ value: PolicyValue?, default fallback: Bool?) -> PolicyValue {
        guard let value else { return fallback.map(PolicyValue.bool) ?? .null }
        if case .unknown = value { return .unknown }
        if case .reference = value { return .unknown }
        return value.bool.map(PolicyValue.bool) ?? .unknown
    }

    static func known(_ value: PolicyValue?) -> PolicyValue {
        guard let value else { return .null }
        if case .reference = value { return .unknown }
        return value
    }
}
