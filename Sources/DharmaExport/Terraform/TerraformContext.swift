import DharmaCore

/// What a mapping needs while it writes one resource: how to write expressions that refer
/// to variables and to other resources, and the stack's tags.
struct TerraformContext: Sendable {
    var stack: ExportStack
    var mappings: [ProviderName: any TerraformProvider]

    /// The HCL for a blueprint expression; references become Terraform references.
    func hcl(_ expr: Expr) throws(ExportError) -> HCL {
        switch expr {
        case .value(let value): return HCL.literal(value)
        case .variable(let name, _): return .traversal("var.\(Self.variableName(name))")
        case .output(let name, let attribute, let path):
            guard let target = stack.resource(named: name), let mapping = mappings[target.provider] else {
                throw ExportError("reference to `\(name).\(attribute)`: no resource `\(name)` in the stack")
            }
            let offered = mapping.outputs(of: target)
            guard let traversal = offered[attribute] else {
                throw .missingOutput(attribute, of: target, in: "Terraform provider \(mapping.localName)", offered: Array(offered.keys))
            }
            return .traversal(traversal + path.map { "[\"\($0)\"]" }.joined())
        case .interpolation(let parts):
            var pieces: [HCL] = []
            for part in parts {
                switch try hcl(part) {
                case .string(let text): pieces.append(.string(text))
                case .int(let number): pieces.append(.string(String(number)))
                case .bool(let flag): pieces.append(.string(flag ? "true" : "false"))
                case let other: pieces.append(other)
                }
            }
            return .template(pieces)
        case .list(let items):
            var values: [HCL] = []
            for item in items { values.append(try hcl(item)) }
            return .list(values)
        case .map(let entries):
            var values: [String: HCL] = [:]
            for (key, entry) in entries { values[key] = try hcl(entry) }
            return .sortedObject(values)
        }
    }

    /// A property as HCL, or `fallback` when the blueprint leaves it out.
    func property(_ resource: ExportResource, _ name: String, _ fallback: HCL? = nil) throws(ExportError) -> HCL? {
        guard let expr = resource.expr(name) else { return fallback }
        return try hcl(expr)
    }

    /// The first item of a list property (`subnets`), or null.
    func first(_ resource: ExportResource, _ name: String) throws(ExportError) -> HCL {
        guard let item = resource.list(name).first else { return .null }
        return try hcl(item)
    }

    /// A single-valued property as a one-item list, or an empty list when absent.
    func listOfOne(_ resource: ExportResource, _ name: String) throws(ExportError) -> HCL {
        guard let expr = resource.expr(name) else { return .list([]) }
        return .list([try hcl(expr)])
    }

    func tags(_ resource: ExportResource) -> HCL {
        .sortedObject(resource.tags.mapValues(HCL.string))
    }

    /// Tags written as a list of `key:value` labels (GCP labels forbid most characters).
    func labels(_ resource: ExportResource) -> HCL {
        .sortedObject(Dictionary(resource.tags.map { (Self.label($0.key), HCL.string(Self.label($0.value))) }) { first, _ in first })
    }

    /// The Terraform address of the main block another resource produced, for `depends_on`.
    func primaryAddress(of name: String) -> String? {
        guard let target = stack.resource(named: name), let mapping = mappings[target.provider],
            let id = mapping.outputs(of: target)["id"]
        else { return nil }
        return id.split(separator: ".").prefix(2).joined(separator: ".")
    }

    static func variableName(_ name: String) -> String { name }

    static func label(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }.prefix(63))
    }
}
