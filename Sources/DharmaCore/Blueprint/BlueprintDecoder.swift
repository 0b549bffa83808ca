/// Decodes the located YAML tree into a `Blueprint`, checking its *shape*: required fields,
/// known keys, value kinds and names. It keeps going after a problem so that one run reports
/// everything it can. What the values mean (types, properties, references) is the
/// `BlueprintValidator`'s job.
struct BlueprintDecoder {
    private(set) var diagnostics: [Diagnostic] = []
    /// False when `target` could not be read; provider checks are then skipped rather than
    /// reported against a guessed provider.
    private(set) var hasTarget = false

    static let topLevelKeys = [
        "apiVersion", "kind", "metadata", "target", "variables", "resources", "outputs", "environments", "approvals", "waivers",
        "policies", "policy",
    ]
    static let approvalKeys = ["required", "from"]
    static let policyKeys = ["failOn"]
    static let metadataKeys = ["name", "environment", "owner", "labels", "description", "budget", "annotations", "usage", "placement", "slo"]
    static let targetKeys = ["provider", "region"]
    static let variableKeys = ["type", "default", "description", "sensitive"]
    static let resourceKeys = ["type", "provider", "region", "properties", "dependsOn", "tags", "lifecycle", "description", "count", "forEach", "for_each"]
    static let lifecycleKeys = ["preventDestroy", "ignoreChanges"]
    static let environmentKeys = ["variables"]

    mutating func decode(_ root: YNode, path: String) -> Blueprint? {
        guard let top = mapping(root, "the blueprint") else { return nil }
        checkKeys(top, allowed: Self.topLevelKeys, in: "a blueprint")

        checkConstant(top, key: "apiVersion", expected: Blueprint.apiVersion, code: .wrongAPIVersion, at: root.location)
        checkConstant(top, key: "kind", expected: Blueprint.kind, code: .wrongKind, at: root.location)

        let metadata = decodeMetadata(required(top, "metadata", in: "the blueprint", at: root.location))
        let target = decodeTarget(required(top, "target", in: "the blueprint", at: root.location))
        let variables = decodeVariables(top["variables"])
        let resources = decodeResources(required(top, "resources", in: "the blueprint", at: root.location))
        let outputs = (top["outputs"].flatMap { mapping($0, "`outputs`") } ?? []).map { OutputSpec(name: $0.key, node: $0.value) }
        let environments = decodeEnvironments(top["environments"])

        let approvals = top["approvals"].flatMap { decodeApprovals($0) }
        let policyThreshold = top["policy"].flatMap { decodePolicy($0) }
        // Keep going with placeholders so the resources are still checked in this run.
        hasTarget = target != nil
        var blueprint = Blueprint(
            path: path, metadata: metadata ?? Metadata(name: "", environment: "default", owner: nil, labels: [:], extra: [:]),
            target: target ?? Placement(provider: .local, region: ""), variables: variables, resources: resources,
            outputs: outputs, environments: environments)
        blueprint.approvals = approvals
        blueprint.policyThreshold = policyThreshold
        return blueprint
    }

    private mutating func decodePolicy(_ node: YNode) -> FindingSeverity? {
        guard let pairs = mapping(node, "`policy`") else { return nil }
        checkKeys(pairs, allowed: Self.policyKeys, in: "`policy`")
        guard let failOn = pairs["failOn"], let text = string(failOn, "`policy.failOn`") else { return nil }
        let names = FindingSeverity.allCases.map(\.rawValue)
        guard let severity = FindingSeverity(rawValue: text) else {
            report(
                .notInEnum, "`policy.failOn` is `\(text)`; it must be one of \(names.joined(separator: ", "))", at: failOn.location,
                hint: Suggestion.hint(for: text, in: names))
            return nil
        }
        return severity
    }

    private mutating func decodeApprovals(_ node: YNode) -> ApprovalPolicy? {
        guard let pairs = mapping(node, "`approvals`") else { return nil }
        checkKeys(pairs, allowed: Self.approvalKeys, in: "`approvals`")
        var approvers: [String] = []
        if let fromNode = required(pairs, "from", in: "`approvals`", at: node.location), let items = list(fromNode, "`approvals.from`") {
            for item in items {
                guard let name = string(item, "an approver") else { continue }
                if !Template.isIdentifier(name) {
                    report(.badName, "approver `\(name)` is not a name (letters, digits, `_`, `-`)", at: item.location)
                } else if approvers.contains(name) {
                    report(.duplicateKey, "approver `\(name)` is listed twice", at: item.location)
                }
                approvers.append(name)
            }
        }
        guard let requiredNode = required(pairs, "required", in: "`approvals`", at: node.location) else { return nil }
        guard case .int(let count) = requiredNode.value else {
            report(.wrongType, "`approvals.required` must be an integer, not \(article(requiredNode.kindName))", at: requiredNode.location)
            return nil
        }
        guard count >= 1, count <= approvers.count else {
            report(
                .outOfRange, "`approvals.required` is \(count); it must be between 1 and the \(approvers.count) approvers listed",
                at: requiredNode.location)
            return nil
        }
        return ApprovalPolicy(required: count, from: approvers)
    }

    // MARK: sections

    private mutating func decodeMetadata(_ node: YNode?) -> Metadata? {
        guard let node, let pairs = mapping(node, "`metadata`") else { return nil }
        checkKeys(pairs, allowed: Self.metadataKeys, in: "`metadata`")
        var name = ""
        if let nameNode = required(pairs, "name", in: "`metadata`", at: node.location), let text = string(nameNode, "`metadata.name`") {
            name = text
            checkLabel(text, what: "stack name", at: nameNode.location)
        }
        var environment = "default"
        if let envNode = pairs["environment"], let text = string(envNode, "`metadata.environment`") {
            environment = text
            checkLabel(text, what: "environment name", at: envNode.location)
        }
        let owner = pairs["owner"].flatMap { string($0, "`metadata.owner`") }
        let labels = pairs["labels"].map { stringMap($0, "`metadata.labels`") } ?? [:]
        var extra: [String: Value] = [:]
        for pair in pairs where ["budget", "description", "annotations", "usage", "placement", "slo"].contains(pair.key) { extra[pair.key] = pair.value.value }
        if let slo = pairs["slo"] {
            // The stack's objectives take the shape a service's `slo` takes, checked alike.
            var checker = PropertyChecker()
            checker.check(slo, against: ServiceLevelObjective.kind, name: "metadata.slo")
            diagnostics += checker.diagnostics
        }
        return Metadata(name: name, environment: environment, owner: owner, labels: labels, extra: extra)
    }

    private mutating func decodeTarget(_ node: YNode?) -> Placement? {
        guard let node, let pairs = mapping(node, "`target`") else { return nil }
        checkKeys(pairs, allowed: Self.targetKeys, in: "`target`")
        let provider = required(pairs, "provider", in: "`target`", at: node.location).flatMap { providerName($0) }
        let regionNode = required(pairs, "region", in: "`target`", at: node.location)
        let region = regionNode.flatMap { string($0, "`target.region`") }
        guard let provider else { return nil }
        return Placement(provider: provider, region: region ?? "", regionLocation: regionNode?.location)
    }

    private mutating func decodeVariables(_ node: YNode?) -> [VariableDeclaration] {
        guard let node, let pairs = mapping(node, "`variables`") else { return [] }
        var declarations: [VariableDeclaration] = []
        for pair in pairs {
            if !Template.isIdentifier(pair.key) {
                report(
                    .badName, "variable name `\(pair.key)` is not an identifier", at: pair.keyLocation,
                    hint: "use letters, digits and `_`, starting with a letter")
            }
            guard let fields = mapping(pair.value, "variable `\(pair.key)`") else { continue }
            checkKeys(fields, allowed: Self.variableKeys, in: "variable `\(pair.key)`")
            var kind = VariableDeclaration.Kind.string
            if let typeNode = fields["type"], let text = string(typeNode, "a variable's `type`") {
                if let parsed = VariableDeclaration.Kind(rawValue: text) {
                    kind = parsed
                } else {
                    report(
                        .notInEnum, "variable type `\(text)` is not one of \(VariableDeclaration.Kind.allCases.map(\.rawValue).joined(separator: ", "))",
                        at: typeNode.location, hint: Suggestion.hint(for: text, in: VariableDeclaration.Kind.allCases.map(\.rawValue)))
                }
            } else if let defaultNode = fields["default"] {
                kind = VariableKinds.infer(defaultNode.value)
            }
            let defaultValue = fields["default"]?.value
            if let defaultNode = fields["default"], let defaultValue, !VariableKinds.matches(defaultValue, kind) {
                report(
                    .wrongType, "default of variable `\(pair.key)` is \(article(defaultValue.kindName)), but its type is \(kind.rawValue)",
                    at: defaultNode.location)
            }
            declarations.append(
                VariableDeclaration(
                    name: pair.key, kind: kind, defaultValue: defaultValue,
                    description: fields["description"].flatMap { string($0, "a variable's `description`") },
                    sensitive: fields["sensitive"].flatMap { bool($0, "a variable's `sensitive`") } ?? false,
                    location: pair.keyLocation))
        }
        return declarations
    }

    private mutating func decodeResources(_ node: YNode?) -> [ResourceSpec] {
        guard let node, let pairs = mapping(node, "`resources`") else { return [] }
        if pairs.isEmpty {
            report(.missingField, "`resources` is empty; a blueprint needs at least one resource", at: node.location)
        }
        var resources: [ResourceSpec] = []
        for pair in pairs {
            checkLabel(pair.key, what: "resource name", at: pair.keyLocation)
            guard let fields = mapping(pair.value, "resource `\(pair.key)`") else { continue }
            checkKeys(fields, allowed: Self.resourceKeys, in: "resource `\(pair.key)`")
            let typeNode = required(fields, "type", in: "resource `\(pair.key)`", at: pair.keyLocation)
            let type = typeNode.flatMap { string($0, "`type`") } ?? ""
            var properties: [PropertyEntry] = []
            if let propertiesNode = fields["properties"], let propertyPairs = mapping(propertiesNode, "`properties`") {
                properties = propertyPairs.map { PropertyEntry(name: $0.key, nameLocation: $0.keyLocation, node: $0.value) }
            }
            var dependsOn: [Located<String>] = []
            if let dependsNode = fields["dependsOn"], let items = list(dependsNode, "`dependsOn`") {
                for item in items {
                    if let name = string(item, "a `dependsOn` entry") { dependsOn.append(Located(name, at: item.location)) }
                }
            }
            resources.append(
                ResourceSpec(
                    name: pair.key, type: type,
                    provider: fields["provider"].flatMap { providerName($0) },
                    region: fields["region"].flatMap { string($0, "`region`") },
                    properties: properties, dependsOn: dependsOn,
                    tags: fields["tags"].map { stringMap($0, "`tags`") } ?? [:],
                    lifecycle: fields["lifecycle"].map { decodeLifecycle($0) } ?? Lifecycle(),
                    location: pair.keyLocation, typeLocation: typeNode?.location ?? pair.keyLocation,
                    regionLocation: fields["region"]?.location, repetition: decodeRepetition(fields, of: pair.key)))
        }
        return resources
    }

    /// `count` (an integer or an expression) or `forEach` (a list, a map or an expression);
    /// Terraform's spelling `for_each` is taken too.
    private mutating func decodeRepetition(_ fields: [YPair], of resource: String) -> Repetition? {
        let count = fields["count"]
        let forEach = fields["forEach"] ?? fields["for_each"]
        if fields["forEach"] != nil, let terraform = fields["for_each"] {
            report(.duplicateKey, "resource `\(resource)` has both `forEach` and `for_each`; keep one", at: terraform.location)
        }
        if let count, forEach != nil {
            report(.wrongType, "resource `\(resource)` has both `count` and `forEach`; a resource repeats one way", at: count.location)
            return nil
        }
        if let count {
            if case .scalar(let text, let plain) = count.kind, Template.containsExpression(text) || (plain && Int(text) != nil) { return .count(count) }
            report(.wrongType, "`count` must be a whole number or an expression such as `${var.workers}`, not \(article(count.kindName))", at: count.location)
            return nil
        }
        guard let forEach else { return nil }
        switch forEach.kind {
        case .sequence, .mapping: return .forEach(forEach)
        case .scalar(let text, _) where Template.containsExpression(text): return .forEach(forEach)
        case .scalar:
            report(
                .wrongType, "`forEach` must be a list, a map or an expression such as `${var.regions}`, not \(article(forEach.kindName))",
                at: forEach.location)
            return nil
        }
    }

    private mutating func decodeLifecycle(_ node: YNode) -> Lifecycle {
        guard let pairs = mapping(node, "`lifecycle`") else { return Lifecycle() }
        checkKeys(pairs, allowed: Self.lifecycleKeys, in: "`lifecycle`")
        var lifecycle = Lifecycle()
        lifecycle.preventDestroy = pairs["preventDestroy"].flatMap { bool($0, "`preventDestroy`") } ?? false
        if let ignoreNode = pairs["ignoreChanges"], let items = list(ignoreNode, "`ignoreChanges`") {
            lifecycle.ignoreChanges = items.compactMap { string($0, "an `ignoreChanges` entry") }
        }
        return lifecycle
    }

    private mutating func decodeEnvironments(_ node: YNode?) -> [String: EnvironmentOverlay] {
        guard let node, let pairs = mapping(node, "`environments`") else { return [:] }
        var overlays: [String: EnvironmentOverlay] = [:]
        for pair in pairs {
            checkLabel(pair.key, what: "environment name", at: pair.keyLocation)
            guard let fields = mapping(pair.value, "environment `\(pair.key)`") else { continue }
            checkKeys(fields, allowed: Self.environmentKeys, in: "environment `\(pair.key)`")
            var variables: [String: Located<Value>] = [:]
            if let variablesNode = fields["variables"], let variablePairs = mapping(variablesNode, "`variables`") {
                for variable in variablePairs { variables[variable.key] = Located(variable.value.value, at: variable.value.location) }
            }
            overlays[pair.key] = EnvironmentOverlay(variables: variables, location: pair.keyLocation)
        }
        return overlays
    }

    // MARK: helpers

    private mutating func checkConstant(_ pairs: [YPair], key: String, expected: String, code: DiagnosticCode, at location: SourceLocation) {
        guard let node = required(pairs, key, in: "the blueprint", at: location) else { return }
        guard let text = string(node, "`\(key)`") else { return }
        if text != expected {
            report(code, "`\(key)` is `\(text)`; Dharma reads `\(expected)`", at: node.location, hint: "write `\(key): \(expected)`")
        }
    }

    private mutating func checkKeys(_ pairs: [YPair], allowed: [String], in context: String) {
        // `x-…` keys are the place for anchors and notes, as in Compose files.
        for pair in pairs where !allowed.contains(pair.key) && !pair.key.hasPrefix("x-") {
            report(
                .unknownKey, "unknown key `\(pair.key)` in \(context)", at: pair.keyLocation,
                hint: Suggestion.hint(for: pair.key, in: allowed) ?? "allowed keys: \(allowed.joined(separator: ", "))")
        }
    }

    private mutating func checkLabel(_ text: String, what: String, at location: SourceLocation) {
        guard !DNSLabel.isValid(text) else { return }
        report(
            .badName, "\(what) `\(text)` \(DNSLabel.problem(with: text))", at: location,
            hint: DNSLabel.suggestion(for: text).map { "names are DNS labels ([a-z0-9-], at most 63); try `\($0)`" }
                ?? "names are DNS labels: lower-case letters, digits and `-`, at most 63")
    }

    private mutating func required(_ pairs: [YPair], _ key: String, in context: String, at location: SourceLocation) -> YNode? {
        if let node = pairs[key] { return node }
        report(.missingField, "\(context) is missing the required field `\(key)`", at: location)
        return nil
    }

    private mutating func providerName(_ node: YNode) -> ProviderName? {
        guard let text = string(node, "`provider`") else { return nil }
        if let provider = ProviderName(rawValue: text) { return provider }
        report(
            .unknownProvider, "unknown provider `\(text)`", at: node.location,
            hint: Suggestion.hint(for: text, in: ProviderName.allCases.map(\.rawValue))
                ?? "providers: \(ProviderName.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    private mutating func mapping(_ node: YNode, _ what: String) -> [YPair]? {
        if let pairs = node.mapping { return pairs }
        report(.wrongType, "\(what) must be a map, not \(article(node.kindName))", at: node.location)
        return nil
    }

    private mutating func list(_ node: YNode, _ what: String) -> [YNode]? {
        if let items = node.sequence { return items }
        report(.wrongType, "\(what) must be a list, not \(article(node.kindName))", at: node.location)
        return nil
    }

    private mutating func string(_ node: YNode, _ what: String) -> String? {
        if case .scalar(let text, _) = node.kind, case .string = node.value { return text }
        report(.wrongType, "\(what) must be a string, not \(article(node.kindName))", at: node.location)
        return nil
    }

    private mutating func bool(_ node: YNode, _ what: String) -> Bool? {
        if case .bool(let value) = node.value { return value }
        report(.wrongType, "\(what) must be true or false, not \(article(node.kindName))", at: node.location)
        return nil
    }

    private mutating func stringMap(_ node: YNode, _ what: String) -> [String: String] {
        guard let pairs = mapping(node, what) else { return [:] }
        var out: [String: String] = [:]
        for pair in pairs {
            if case .scalar(let text, _) = pair.value.kind, pair.value.value != .null {
                out[pair.key] = text
            } else {
                report(.wrongType, "values in \(what) must be strings, not \(article(pair.value.kindName))", at: pair.value.location)
            }
        }
        return out
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(code: code, message: message, at: location, hint: hint))
    }
}

extension [YPair] {
    subscript(key: String) -> YNode? {
        first { $0.key == key }?.value
    }
}

/// "a map", "an integer".
func article(_ noun: String) -> String {
    guard let first = noun.first else { return noun }
    return ("aeiou".contains(first) ? "an " : "a ") + noun
}
