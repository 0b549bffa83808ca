/// Makes the copies of resources with `count` or `forEach`, once the variables are known: `app`
/// with `count: 2` becomes `app[0]` and `app[1]`, each with `${self.index}` filled in; references
/// to `app[*]` become lists of every copy's; `dependsOn: [app]` depends on every copy. What comes
/// out has no repetition left, so plans, policy, prices and exports see plain resources.
enum RepetitionExpander {
    struct Copy {
        var address: ResourceAddress
        /// What `${self.index}`, `${self.key}` and `${self.value}` are in it.
        var selfValues: [String: Value]
    }

    static func expand(_ blueprint: Blueprint, variables: [String: Value]) throws(PreparedBlueprint.Failure) -> Blueprint {
        guard blueprint.resources.contains(where: { $0.repetition != nil }) else { return blueprint }
        var copies: [String: [Copy]] = [:]
        for resource in blueprint.resources {
            guard let repetition = resource.repetition else { continue }
            copies[resource.name] = try instances(of: resource.name, repetition, variables: variables)
        }
        var expanded = blueprint
        expanded.resources = []
        for resource in blueprint.resources {
            let made = copies[resource.name] ?? [Copy(address: ResourceAddress(name: resource.name), selfValues: [:])]
            for copy in made {
                var spec = resource
                spec.name = copy.address.description
                spec.repetition = nil
                spec.properties = try resource.properties.map { entry throws(PreparedBlueprint.Failure) in
                    var entry = entry
                    entry.node = try rewrite(entry.node, selfValues: copy.selfValues, copies: copies)
                    return entry
                }
                spec.dependsOn = resource.dependsOn.flatMap { dependency in
                    copies[dependency.value].map { $0.map { Located($0.address.description, at: dependency.location) } } ?? [dependency]
                }
                expanded.resources.append(spec)
            }
        }
        expanded.outputs = try blueprint.outputs.map { output throws(PreparedBlueprint.Failure) in
            OutputSpec(name: output.name, node: try rewrite(output.node, selfValues: [:], copies: copies))
        }
        return expanded
    }

    /// The copies a repetition makes, in order.
    static func instances(of name: String, _ repetition: Repetition, variables: [String: Value]) throws(PreparedBlueprint.Failure) -> [Copy] {
        let node = repetition.node
        let value = try resolved(node, variables: variables)
        switch repetition {
        case .count:
            guard case .int(let count) = value, (0...1000).contains(count) else {
                throw failure("`count` of `\(name)` is \(value.jsonText); it must be a whole number from 0 to 1000", at: node)
            }
            return (0..<count).map { Copy(address: ResourceAddress(name: name, instance: .index($0)), selfValues: ["index": .int($0)]) }
        case .forEach:
            switch value {
            case .list(let items):
                var seen = Set<String>()
                return try items.map { item throws(PreparedBlueprint.Failure) in
                    guard let key = item.stringValue ?? (item.intValue.map(String.init)) else {
                        throw failure("`forEach` of `\(name)` lists \(item.jsonText); a list holds keys (strings)", at: node)
                    }
                    guard seen.insert(key).inserted else { throw failure("`forEach` of `\(name)` lists `\(key)` twice", at: node) }
                    return Copy(address: ResourceAddress(name: name, instance: .key(key)), selfValues: ["key": .string(key), "value": .string(key)])
                }
            case .map(let entries):
                return entries.keys.sorted().map { key in
                    Copy(address: ResourceAddress(name: name, instance: .key(key)), selfValues: ["key": .string(key), "value": entries[key] ?? .null])
                }
            default:
                throw failure("`forEach` of `\(name)` is \(article(value.kindName)); it must be a list or a map", at: node)
            }
        }
    }

    /// A count or forEach node's value: literal, or its variables filled in.
    static func resolved(_ node: YNode, variables: [String: Value]) throws(PreparedBlueprint.Failure) -> Value {
        let value = Evaluator(variables: variables).evaluate(node.value)
        if value.containsUnknown { throw failure("`\(node.scalar ?? "")` cannot be known before anything is applied", at: node) }
        return value
    }

    /// The node with `${self.index|key|value}` filled in and `${X[*].attr}` made a list.
    static func rewrite(_ node: YNode, selfValues: [String: Value], copies: [String: [Copy]]) throws(PreparedBlueprint.Failure) -> YNode {
        switch node.kind {
        case .sequence(let items):
            return YNode(
                .sequence(try items.map { item throws(PreparedBlueprint.Failure) in try rewrite(item, selfValues: selfValues, copies: copies) }),
                at: node.location)
        case .mapping(let pairs):
            return YNode(
                .mapping(
                    try pairs.map { pair throws(PreparedBlueprint.Failure) in
                        YPair(key: pair.key, keyLocation: pair.keyLocation, value: try rewrite(pair.value, selfValues: selfValues, copies: copies))
                    }), at: node.location)
        case .scalar(let text, _):
            guard Template.containsExpression(text), let template = try? Template.parse(text) else { return node }
            if let sole = template.soleReference {
                if sole.root == .selfResource, let value = selfValues[sole.attribute] { return YNode(value: value, at: node.location) }
                if let address = sole.address, address.instance == .all, let made = copies[address.name] {
                    let attribute = ([sole.attribute] + sole.path).joined(separator: ".")
                    return YNode(.sequence(made.map { YNode(.scalar("${\($0.address).\(attribute)}", plain: false), at: node.location) }), at: node.location)
                }
                return node
            }
            var text = ""
            for part in template.parts {
                switch part {
                case .literal(let literal): text += literal.replacing("${", with: "$${")
                case .reference(let reference):
                    if reference.root == .selfResource, let value = selfValues[reference.attribute] {
                        text += value.interpolated.replacing("${", with: "$${")
                    } else if reference.address?.instance == .all {
                        throw failure("`${\(reference)}` is a list of every copy; use it as a whole value, not inside text", at: node)
                    } else {
                        text += "${\(reference)}"
                    }
                }
            }
            return YNode(.scalar(text, plain: false), at: node.location)
        }
    }

    static func failure(_ message: String, at node: YNode) -> PreparedBlueprint.Failure {
        .invalid([Diagnostic(code: .badVariableValue, message: message, at: node.location)], nil)
    }
}

extension YNode {
    /// A node holding `value`, as YAML would have written it.
    init(value: Value, at location: SourceLocation) {
        switch value {
        case .null: self.init(.scalar("null", plain: true), at: location)
        case .bool(let flag): self.init(.scalar(flag ? "true" : "false", plain: true), at: location)
        case .int(let number): self.init(.scalar(String(number), plain: true), at: location)
        case .double(let number): self.init(.scalar(String(number), plain: true), at: location)
        case .string(let text): self.init(.scalar(text, plain: false), at: location)
        case .unknown(let text): self.init(.scalar(text, plain: false), at: location)
        case .list(let items): self.init(.sequence(items.map { YNode(value: $0, at: location) }), at: location)
        case .map(let entries):
            self.init(
                .mapping(entries.keys.sorted().map { YPair(key: $0, keyLocation: location, value: YNode(value: entries[$0] ?? .null, at: location)) }),
                at: location)
        }
    }
}
