import Foundation

/// Compares the blueprint (desired), recorded state and what refresh observed, and decides
/// per resource: create, update, replace, delete or nothing.
public struct Planner: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public var blueprint: Blueprint
    public var variables: [String: Value]
    public var blueprintHash: String

    public init(blueprint: Blueprint, variables: [String: Value], blueprintHash: String) {
        self.blueprint = blueprint
        self.variables = variables
        self.blueprintHash = blueprintHash
    }

    public func plan(recorded: StackState, observed: [String: Observation]) throws(Failure) -> Plan {
        let graph = BlueprintReferences.graph(of: blueprint)
        guard let order = graph.topologicalOrder() else {
            throw Failure(message: "the blueprint has a dependency cycle; run `dharma validate` for details")
        }
        var evaluator = Evaluator(variables: variables)
        var secrets = DerivedSecrets(sensitiveVariables: Set(blueprint.variables.filter(\.sensitive).map(\.name)))
        var changes: [ResourceChange] = []
        changes.reserveCapacity(order.count)
        let specs = Dictionary(blueprint.resources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in order {
            guard let spec = specs[name], let type = ResourceCatalog.type(named: spec.type) else { continue }
            let raw = PropertyValues.inputs(of: spec, type: type)
            // Properties that do not refer to `self` first, so `${self.path}` can use them.
            let firstPass = raw.mapValues { evaluator.evaluate($0, selfType: type) }
            var inputs = raw.mapValues { evaluator.evaluate($0, selfType: type, selfInputs: firstPass) }
            AutoscaledReplicas.adjust(&inputs, recorded: recorded.resources[name])
            if spec.type == "compute.service", let slo = ServiceLevelObjective.merged(service: inputs["slo"], stack: blueprint.metadata.extra["slo"]) {
                inputs["slo"] = slo
            }
            var desired = DesiredResource(
                name: name, type: spec.type, provider: spec.provider ?? blueprint.target.provider,
                region: spec.region ?? blueprint.target.region, inputs: inputs,
                dependencies: graph.dependencies(of: name), lifecycle: spec.lifecycle,
                tags: blueprint.metadata.labels.merging(spec.tags) { $1 })
            let derived = secrets.inputs(of: spec, type: type)
            desired.derivedSecrets = derived.isEmpty ? nil : derived
            let change = try decide(desired, type: type, recorded: recorded.resources[name], observation: observed[name])
            changes.append(change)

            var known = inputs.filter { !$0.value.containsUnknown }
            if change.action == .noop, let state = recorded.resources[name] {
                // A property keeps its declared value; outputs add what only exists after apply.
                known.merge(state.outputs) { input, _ in input }
                if let fresh = observed[name]?.outputs { known.merge(fresh) { input, _ in input } }
            }
            evaluator.resources[name] = known
        }
        let deletions = try deletions(recorded: recorded, keeping: Set(order))
        changes += deletions
        var outputs: [String: Value] = [:]
        for output in blueprint.outputs { outputs[output.name] = evaluator.evaluate(output.node.value) }
        var plan = Plan(
            stack: blueprint.stack, blueprintPath: blueprint.path, blueprintHash: blueprintHash,
            stateSerial: recorded.serial,
            observedFingerprint: Self.fingerprint(observed, deleting: Set(deletions.map(\.resource))),
            changes: changes, outputs: outputs, variables: variables)
        plan.approvals = blueprint.approvals
        plan.sensitiveVariables = blueprint.variables.filter(\.sensitive).map(\.name).sorted()
        return plan
    }

    private func decide(
        _ desired: DesiredResource, type: ResourceType, recorded: ResourceState?,
        observation: Observation?
    ) throws(Failure) -> ResourceChange {
        let sensitive = desired.secretInputs
        func change(_ action: ChangeAction, _ diff: [AttributeDiff], _ reason: String?) -> ResourceChange {
            ResourceChange(resource: desired.name, type: desired.type, action: action, diff: diff, reason: reason, desired: desired)
        }
        guard let recorded else {
            let diff = desired.inputs.keys.sorted().map {
                AttributeDiff(attribute: $0, old: nil, new: desired.inputs[$0], sensitive: sensitive.contains($0))
            }
            return change(.create, diff, nil)
        }
        if observation?.exists == false {
            let diff = desired.inputs.keys.sorted().map {
                AttributeDiff(attribute: $0, old: nil, new: desired.inputs[$0], sensitive: sensitive.contains($0))
            }
            return change(.create, diff, "recorded but no longer exists (removed outside Dharma)")
        }
        if recorded.type != desired.type || recorded.provider != desired.provider {
            try guardDestroy(recorded, why: "its type or provider changed")
            return change(
                .replace,
                [
                    AttributeDiff(
                        attribute: "type", old: .string("\(recorded.provider.rawValue):\(recorded.type)"),
                        new: .string("\(desired.provider.rawValue):\(desired.type)"), forcesReplacement: true)
                ],
                "type or provider changed")
        }
        let ignored = Set(desired.lifecycle.ignoreChanges)
        var diff: [AttributeDiff] = []
        for key in Set(recorded.inputs.keys).union(desired.inputs.keys).sorted() where !ignored.contains(key) {
            let old = recorded.inputs[key], new = desired.inputs[key]
            guard old != new else { continue }
            diff.append(
                AttributeDiff(
                    attribute: key, old: old, new: new, sensitive: sensitive.contains(key),
                    forcesReplacement: type.property(key)?.forcesReplacement ?? false))
        }
        if diff.contains(where: \.forcesReplacement) {
            try guardDestroy(recorded, why: "a change to \(diff.filter(\.forcesReplacement).map(\.attribute).joined(separator: ", ")) forces replacement")
            return change(.replace, diff, "\(diff.filter(\.forcesReplacement).map(\.attribute).joined(separator: ", ")) cannot change in place")
        }
        let drift = (observation?.drift ?? []).filter { !ignored.contains($0.attribute.split(separator: ".").first.map(String.init) ?? $0.attribute) }
        if !diff.isEmpty {
            return change(.update, diff + drift, drift.isEmpty ? nil : "blueprint changed, and drift was observed")
        }
        if !drift.isEmpty {
            return change(.update, drift, "drift: the running resource no longer matches what was applied")
        }
        return change(.noop, [], nil)
    }

    private func deletions(recorded: StackState, keeping desired: Set<String>) throws(Failure) -> [ResourceChange] {
        let gone = recorded.resources.values.filter { !desired.contains($0.name) }
        // Dependents go before what they depend on.
        let graph = DependencyGraph(
            nodes: gone.map(\.name).sorted(),
            dependencies: Dictionary(uniqueKeysWithValues: gone.map { ($0.name, Set($0.dependencies)) }))
        let order = (graph.topologicalOrder() ?? graph.nodes).reversed()
        var changes: [ResourceChange] = []
        for name in order {
            guard let state = recorded.resources[name] else { continue }
            try guardDestroy(state, why: "it is no longer in the blueprint")
            changes.append(
                ResourceChange(
                    resource: name, type: state.type, action: .delete,
                    diff: state.inputs.keys.sorted().map {
                        AttributeDiff(
                            attribute: $0, old: state.inputs[$0], new: nil,
                            sensitive: state.secretInputs.contains($0))
                    },
                    reason: "no longer in the blueprint", desired: nil))
        }
        return changes
    }

    private func guardDestroy(_ state: ResourceState, why: String) throws(Failure) {
        if state.lifecycle.preventDestroy {
            throw Failure(
                message: "resource `\(state.name)` has lifecycle.preventDestroy set, but the plan would destroy it: \(why). "
                    + "Set preventDestroy: false first if that is what you want.")
        }
    }

    /// A stable digest of what refresh saw, stored in saved plans.
    /// What a saved plan depends on in the observations, for telling at apply time whether
    /// the world changed under it. For a resource the plan deletes only its existence counts:
    /// a delete acts on the recorded identity whatever drifted, so a certificate that entered
    /// its renewal window between `destroy`'s plan and its apply does not make it stale.
    public static func fingerprint(_ observed: [String: Observation], deleting: Set<String>) -> String {
        var relevant = observed
        for name in deleting { relevant[name] = observed[name].map { Observation(exists: $0.exists) } }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(relevant)) ?? Data()
        return Digest.fnv1a64Hex(data)
    }
}
