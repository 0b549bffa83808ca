/// Which resources each resource refers to, from its `${…}` expressions and `dependsOn`.
public enum BlueprintReferences {
    public static func graph(of blueprint: Blueprint) -> DependencyGraph {
        let names = Set(blueprint.resources.map(\.name))
        var edges: [String: Set<String>] = [:]
        for resource in blueprint.resources {
            var dependencies = Set(resource.dependsOn.map(\.value))
            for entry in resource.properties { collect(entry.node, into: &dependencies) }
            edges[resource.name] = dependencies.intersection(names)
        }
        var seen = Set<String>()
        let ordered = blueprint.resources.map(\.name).filter { seen.insert($0).inserted }
        return DependencyGraph(nodes: ordered, dependencies: edges)
    }

    static func collect(_ node: YNode, into names: inout Set<String>) {
        switch node.kind {
        case .sequence(let items): for item in items { collect(item, into: &names) }
        case .mapping(let pairs): for pair in pairs { collect(pair.value, into: &names) }
        case .scalar(let text, _):
            guard Template.containsExpression(text), let template = try? Template.parse(text) else { return }
            // A copy (`app[0]`) where copies are made, its resource (`app`) where they are not yet.
            for reference in template.references {
                guard let address = reference.address else { continue }
                names.insert(address.description)
                names.insert(address.name)
            }
        }
    }
}
