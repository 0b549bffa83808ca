/// Checks what a well-formed blueprint *means*: resource types and their properties,
/// references, provider support and dependency cycles. Reports every problem it finds.
public struct BlueprintValidator {
    public private(set) var diagnostics: [Diagnostic] = []
    private let blueprint: Blueprint
    private let resourcesByName: [String: ResourceSpec]
    private let checkProviders: Bool

    public init(_ blueprint: Blueprint, checkProviders: Bool = true) {
        self.blueprint = blueprint
        self.checkProviders = checkProviders
        var byName: [String: ResourceSpec] = [:]
        for resource in blueprint.resources where byName[resource.name] == nil { byName[resource.name] = resource }
        self.resourcesByName = byName
    }

    public static func validate(_ blueprint: Blueprint, checkProviders: Bool = true) -> [Diagnostic] {
        var validator = BlueprintValidator(blueprint, checkProviders: checkProviders)
        validator.run()
        return validator.diagnostics
    }

    mutating func run() {
        if checkProviders, !blueprint.target.region.isEmpty,
            let problem = RegionCatalog.problem(region: blueprint.target.region, provider: blueprint.target.provider)
        {
            report(
                .unknownRegion, problem.message, at: blueprint.target.regionLocation ?? SourceLocation(file: blueprint.path, line: 1, column: 1),
                hint: problem.hint)
        }
        for resource in blueprint.resources { check(resource) }
        for output in blueprint.outputs {
            checkExpressions(in: output.node, owner: nil)
        }
        for (name, overlay) in blueprint.environments.sorted(by: { $0.key < $1.key }) {
            for (variable, value) in overlay.variables.sorted(by: { $0.key < $1.key }) {
                guard let declaration = blueprint.variables.first(where: { $0.name == variable }) else {
                    report(
                        .unknownReference, "environment `\(name)` sets `\(variable)`, which is not a declared variable", at: value.location,
                        hint: Suggestion.hint(for: variable, in: blueprint.variables.map(\.name)))
                    continue
                }
                if !VariableKinds.matches(value.value, declaration.kind) {
                    report(
                        .wrongType, "environment `\(name)` sets `\(variable)` to \(article(value.value.kindName)); it is declared \(declaration.kind.rawValue)",
                        at: value.location)
                }
            }
        }
        for cycle in dependencyGraph().cycles() {
            let text = (cycle + [cycle[0]]).joined(separator: " → ")
            let location = resourcesByName[cycle[0]]?.location
            report(
                .dependencyCycle, "dependency cycle: \(text)", at: location ?? SourceLocation(file: blueprint.path, line: 1, column: 1),
                hint: "break the cycle by removing one of these references or `dependsOn` entries")
        }
    }

    /// The resource's own region, and a literal `zone` property against its region's zones.
    /// What AWS would refuse at create time, reported here with the property to add.
    private mutating func checkLoadBalancer(_ balancer: ResourceSpec) {
        for problem in LoadBalancerPlacement(of: balancer, in: blueprint).awsProblems(of: balancer, in: blueprint) {
            let owner = blueprint.resource(named: problem.resource) ?? balancer
            let location = problem.property.flatMap { owner.property($0)?.nameLocation } ?? owner.location
            report(.cloudRequirement, problem.message, at: location, hint: problem.hint)
        }
    }

    private mutating func checkPlacement(_ resource: ResourceSpec, provider: ProviderName) {
        if let region = resource.region, resource.provider != nil || checkProviders,
            let problem = RegionCatalog.problem(region: region, provider: provider)
        {
            report(.unknownRegion, problem.message, at: resource.regionLocation ?? resource.location, hint: problem.hint)
        }
        let region = resource.region ?? blueprint.target.region
        // `zone` is an availability zone on VMs, subnets and volumes (a DNS zone is a domain).
        guard ["compute.vm", "network.subnet", "storage.volume"].contains(resource.type),
            let zone = resource.property("zone"), case .string(let name) = zone.node.value, !name.contains("${"),
            RegionCatalog.regions(of: provider)?.contains(where: { $0.name == region }) == true,
            let problem = RegionCatalog.problem(zone: name, region: region, provider: provider)
        else { return }
        report(.unknownRegion, problem.message, at: zone.node.location, hint: problem.hint)
    }

    private mutating func check(_ resource: ResourceSpec) {
        guard let type = ResourceCatalog.type(named: resource.type) else {
            if !resource.type.isEmpty {
                report(
                    .unknownResourceType, "unknown resource type `\(resource.type)`", at: resource.typeLocation,
                    hint: Suggestion.hint(for: resource.type, in: ResourceCatalog.names) ?? "run `dharma schema` to list the types")
            }
            for entry in resource.properties { checkExpressions(in: entry.node, owner: nil) }
            return
        }
        let provider = resource.provider ?? blueprint.target.provider
        if checkProviders || resource.provider != nil, !type.providers.contains(provider) {
            let supported = type.providers.sorted().map(\.rawValue).joined(separator: ", ")
            report(
                .unsupportedByProvider, "`\(type.name)` is not supported by provider `\(provider.rawValue)`",
                at: resource.typeLocation, hint: "providers that offer it: \(supported)")
        }
        checkPlacement(resource, provider: provider)
        if type.name == "network.loadbalancer", provider == .aws, checkProviders || resource.provider != nil {
            checkLoadBalancer(resource)
        }
        if let repetition = resource.repetition { checkRepetition(repetition, of: resource) }
        var checker = PropertyChecker()
        for entry in resource.properties {
            guard let schema = type.property(entry.name) else {
                report(
                    .unknownProperty, "property `\(entry.name)` is not part of \(type.name)", at: entry.nameLocation,
                    hint: Suggestion.hint(for: entry.name, in: type.properties.map(\.name))
                        ?? "\(type.name) has: \(type.properties.map(\.name).joined(separator: ", "))")
                continue
            }
            checker.check(entry.node, against: schema.kind, name: entry.name)
            checkExpressions(in: entry.node, owner: (resource, type))
        }
        diagnostics += checker.diagnostics
        let providerRequired = checkProviders || resource.provider != nil ? ProviderRequirements.required(provider: provider, type: type.name) : []
        let required = type.properties.filter(\.required).map(\.name) + providerRequired
        for name in required where resource.property(name) == nil {
            report(
                .missingField, "resource `\(resource.name)` (\(type.name) on \(provider.rawValue)) is missing the required property `\(name)`",
                at: resource.location)
        }
        for dependency in resource.dependsOn where resourcesByName[dependency.value] == nil {
            report(
                .unknownReference, "`dependsOn` names `\(dependency.value)`, which is not a resource in this blueprint", at: dependency.location,
                hint: Suggestion.hint(for: dependency.value, in: resourcesByName.keys))
        }
        for ignored in resource.lifecycle.ignoreChanges where type.property(ignored) == nil {
            report(
                .unknownProperty, "`ignoreChanges` names `\(ignored)`, which is not a property of \(type.name)", at: resource.location,
                hint: Suggestion.hint(for: ignored, in: type.properties.map(\.name)))
        }
    }

    private mutating func checkExpressions(in node: YNode, owner: (resource: ResourceSpec, type: ResourceType)?) {
        switch node.kind {
        case .sequence(let items): for item in items { checkExpressions(in: item, owner: owner) }
        case .mapping(let pairs): for pair in pairs { checkExpressions(in: pair.value, owner: owner) }
        case .scalar(let text, _):
            guard Template.containsExpression(text) else { return }
            do {
                let template = try Template.parse(text)
                for reference in template.references { check(reference, at: node.location, owner: owner) }
                if template.soleReference == nil, template.references.contains(where: { $0.address?.instance == .all }) {
                    report(.badExpression, "`[*]` gives a list of every copy; use it as a whole value, not inside text", at: node.location)
                }
            } catch {
                var location = node.location
                location.column += error.offset
                report(.badExpression, error.message, at: location)
            }
        }
    }

    private mutating func check(_ reference: Reference, at location: SourceLocation, owner: (resource: ResourceSpec, type: ResourceType)?) {
        switch reference.root {
        case .variable(let name):
            if !blueprint.variables.contains(where: { $0.name == name }) {
                report(
                    .unknownReference, "unknown variable `var.\(name)`", at: location,
                    hint: Suggestion.hint(for: name, in: blueprint.variables.map(\.name)) ?? "declare it under `variables:`")
            }
        case .selfResource:
            guard let owner else {
                return report(.unknownReference, "`${self.\(reference.attribute)}` is only meaningful inside a resource", at: location)
            }
            if ["index", "key", "value"].contains(reference.attribute), !owner.type.attributeNames.contains(reference.attribute) {
                guard owner.resource.repetition?.selfAttributes.contains(reference.attribute) == true else {
                    return report(
                        .unknownReference,
                        "`${self.\(reference.attribute)}` is only meaningful in a resource with "
                            + (reference.attribute == "index" ? "`count`" : "`forEach`"), at: location)
                }
                return
            }
            if !owner.type.attributeNames.contains(reference.attribute) {
                report(
                    .unknownReference, "`\(reference.attribute)` is not an attribute of \(owner.type.name)", at: location,
                    hint: Suggestion.hint(for: reference.attribute, in: owner.type.attributeNames))
            }
        case .resource(let text):
            let address = ResourceAddress.parse(text) ?? ResourceAddress(name: text)
            // Once copies are made, `app[0]` is a resource of its own.
            let copy = address.instance == nil ? nil : resourcesByName[address.description]
            let name = copy == nil ? address.name : address.description
            guard let target = copy ?? resourcesByName[name] else {
                return report(
                    .unknownReference, "unknown resource `\(name)` in `${\(reference)}`", at: location,
                    hint: Suggestion.hint(for: name, in: resourcesByName.keys) ?? (name == "vars" ? "variables are `${var.NAME}`" : nil))
            }
            if copy == nil { checkCopy(address, of: target, in: reference, at: location) }
            guard let type = ResourceCatalog.type(named: target.type) else { return }
            if !type.attributeNames.contains(reference.attribute) {
                report(
                    .unknownReference, "`\(reference.attribute)` is not an attribute of `\(name)` (\(type.name))", at: location,
                    hint: Suggestion.hint(for: reference.attribute, in: type.attributeNames)
                        ?? "attributes: \(type.attributeNames.joined(separator: ", "))")
            }
        }
    }

    /// A repeated resource is referred to by copy (`app[0]`, `app["eu"]`) or as all of them
    /// (`app[*]`), a single one by its name alone.
    private mutating func checkCopy(_ address: ResourceAddress, of target: ResourceSpec, in reference: Reference, at location: SourceLocation) {
        switch (target.repetition, address.instance) {
        case (nil, nil), (_, .all?): return
        case (nil, _?):
            report(.unknownReference, "`\(target.name)` has no `count` or `forEach`; refer to it as `${\(target.name).\(reference.attribute)}`", at: location)
        case (.count?, nil), (.forEach?, nil):
            let example = target.repetition.map { if case .count = $0 { "\(target.name)[0]" } else { "\(target.name)[\"KEY\"]" } } ?? target.name
            report(
                .unknownReference,
                "`\(target.name)` stands for several copies; refer to one, `${\(example).\(reference.attribute)}`, or to all, "
                    + "`${\(target.name)[*].\(reference.attribute)}`", at: location)
        case (.count(let node)?, .index(let index)?):
            if case .scalar(let text, true) = node.kind, let count = Int(text), index >= count {
                report(.outOfRange, "`\(address)` is past the last copy: `\(target.name)` has count \(count)", at: location)
            }
        case (.count?, .key?):
            report(.unknownReference, "`\(target.name)` has `count`; its copies are numbered, `\(target.name)[0]`", at: location)
        case (.forEach(let node)?, .key(let key)?):
            let keys: [String]? =
                switch node.kind {
                case .sequence(let items): items.compactMap(\.scalar)
                case .mapping(let pairs): pairs.map(\.key)
                case .scalar: nil
                }
            if let keys, !keys.contains(key) {
                report(
                    .unknownReference, "`\(address)` is not a copy of `\(target.name)`; its keys are " + keys.map { "\"\($0)\"" }.joined(separator: ", "),
                    at: location, hint: Suggestion.hint(for: key, in: keys))
            }
        case (.forEach?, .index?):
            report(.unknownReference, "`\(target.name)` has `forEach`; its copies are named by key, `\(target.name)[\"KEY\"]`", at: location)
        }
    }

    /// `count` and `forEach` must be known when the plan is made: literals, or variables.
    private mutating func checkRepetition(_ repetition: Repetition, of resource: ResourceSpec) {
        checkExpressions(in: repetition.node, owner: nil)
        var references: [Reference] = []
        collectReferences(repetition.node, into: &references)
        for reference in references where reference.resourceName != nil || reference.root == .selfResource {
            report(
                .badExpression, "`count` and `forEach` are known before anything is applied; `${\(reference)}` is not. Use variables",
                at: repetition.node.location)
        }
        if case .count(let node) = repetition, case .scalar(let text, true) = node.kind, let count = Int(text), !(0...1000).contains(count) {
            report(.outOfRange, "`count` is \(count); it must be between 0 and 1000", at: node.location)
        }
        if case .forEach(let node) = repetition, case .sequence(let items) = node.kind {
            var seen = Set<String>()
            for item in items {
                guard let key = item.scalar else {
                    report(.wrongType, "a `forEach` list holds keys (strings), not \(article(item.kindName))", at: item.location)
                    continue
                }
                if !seen.insert(key).inserted { report(.duplicateKey, "`forEach` lists `\(key)` twice", at: item.location) }
            }
        }
    }

    private func collectReferences(_ node: YNode, into references: inout [Reference]) {
        switch node.kind {
        case .sequence(let items): for item in items { collectReferences(item, into: &references) }
        case .mapping(let pairs): for pair in pairs { collectReferences(pair.value, into: &references) }
        case .scalar(let text, _):
            guard Template.containsExpression(text), let template = try? Template.parse(text) else { return }
            references += template.references
        }
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(code: code, message: message, at: location, hint: hint))
    }

    /// Edges from references and `dependsOn`, restricted to resources that exist.
    public func dependencyGraph() -> DependencyGraph {
        BlueprintReferences.graph(of: blueprint)
    }
}
