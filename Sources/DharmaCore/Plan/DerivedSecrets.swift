/// Properties that carry a secret the catalog does not know of: a property whose expression
/// reads a sensitive variable (`content: "${var.token}"`), or a sensitive attribute of another
/// resource (`${db.password}`, or one of these derived ones). They are hidden in plans and
/// sealed at rest like the catalog's sensitive properties.
struct DerivedSecrets {
    var sensitiveVariables: Set<String>
    /// Each resource planned so far, by name: its sensitive attributes, the catalog's and derived.
    var sensitiveAttributes: [String: Set<String>] = [:]

    init(sensitiveVariables: Set<String>) {
        self.sensitiveVariables = sensitiveVariables
    }

    /// The properties of `spec` that carry a secret the catalog does not name, and records its
    /// sensitive attributes for the resources planned after it.
    mutating func inputs(of spec: ResourceSpec, type: ResourceType) -> [String] {
        let catalog = Set(type.sensitiveProperties)
        var derived = Set<String>()
        // Twice, so a property reading `${self.x}` of a derived secret `x` is one too.
        for _ in 0..<2 {
            for entry in spec.properties where !catalog.contains(entry.name) {
                if Self.references(in: entry.node).contains(where: { isSensitive($0, selfAttributes: catalog.union(derived)) }) {
                    derived.insert(entry.name)
                }
            }
        }
        sensitiveAttributes[spec.name] = catalog.union(derived)
        return derived.sorted()
    }

    private func isSensitive(_ reference: Reference, selfAttributes: Set<String>) -> Bool {
        switch reference.root {
        case .variable: sensitiveVariables.contains(reference.attribute)
        case .selfResource: selfAttributes.contains(reference.attribute)
        case .resource: reference.address.map { sensitiveAttributes[$0.name]?.contains(reference.attribute) ?? false } ?? false
        }
    }

    static func references(in node: YNode) -> [Reference] {
        switch node.kind {
        case .sequence(let items): items.flatMap(references)
        case .mapping(let pairs): pairs.flatMap { references(in: $0.value) }
        case .scalar(let text, _):
            Template.containsExpression(text) ? ((try? Template.parse(text))?.references ?? []) : []
        }
    }
}
