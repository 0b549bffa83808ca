import DharmaCore
import Testing

@Suite("Planner")
struct PlannerTests {
    let text =
        header + """
            variables:
              greeting: {type: string, default: hello}
            resources:
              db:
                type: storage.file
                properties: {path: data/db.json, content: "${var.greeting}"}
              config:
                type: storage.file
                properties: {path: config.txt, content: "db at ${db.path}, hash ${db.sha256}"}
                lifecycle: {ignoreChanges: [mode]}
            """

    func planner(_ text: String, variables: [String: Value] = ["greeting": "hello"]) throws -> Planner {
        let blueprint = try #require(load(text).blueprint)
        return Planner(blueprint: blueprint, variables: variables, blueprintHash: "h")
    }

    /// State as if `plan` had been applied with the given outputs.
    func applied(_ plan: Plan, outputs: [String: [String: Value]]) -> StackState {
        var state = StackState(stack: plan.stack, serial: 7)
        var known: [String: [String: Value]] = [:]
        for change in plan.changes {
            guard let desired = change.desired else { continue }
            let evaluator = Evaluator(variables: plan.variables, resources: known)
            known[desired.name] = desired.inputs.merging(outputs[desired.name] ?? [:]) { input, _ in input }
            state.resources[desired.name] = ResourceState(
                name: desired.name, type: desired.type, provider: desired.provider, region: desired.region,
                inputs: desired.inputs.mapValues { evaluator.evaluate($0) }, outputs: outputs[desired.name] ?? [:],
                dependencies: desired.dependencies, lifecycle: desired.lifecycle)
        }
        return state
    }

    let outputs: [String: [String: Value]] = ["db": ["sha256": "abc", "path": "/abs/data/db.json"], "config": ["sha256": "def"]]

    @Test("empty state: everything is created, outputs of new resources are unknown")
    func createAll() throws {
        let plan = try planner(text).plan(recorded: StackState(stack: StackID(name: "shop", environment: "default")), observed: [:])
        #expect(plan.changes.map(\.action) == [.create, .create])
        #expect(plan.changes.map(\.resource) == ["db", "config"])
        let config = try #require(plan.changes[1].desired)
        #expect(config.inputs["content"] == .unknown("db at ${db.path}, hash ${db.sha256}"))
        #expect(config.inputs["mode"] == .string("0644"))
        #expect(config.dependencies == ["db"])
        #expect(plan.changes[0].desired?.inputs["content"] == .string("hello"))
        #expect(plan.summary[.create] == 2)
    }

    @Test("recorded state that matches gives no changes; a property references its declared value")
    func noChanges() throws {
        let first = try planner(text).plan(recorded: StackState(stack: StackID(name: "shop", environment: "default")), observed: [:])
        let state = applied(first, outputs: outputs)
        #expect(state.resources["config"]?.inputs["content"] == .string("db at data/db.json, hash abc"))
        let second = try planner(text).plan(recorded: state, observed: ["db": Observation(exists: true), "config": Observation(exists: true)])
        #expect(!second.hasChanges)
        #expect(second.summary[.noop] == 2)
        #expect(second.stateSerial == 7)
    }

    @Test("a changed variable updates the resource and makes dependents' references unknown")
    func updateWithDiff() throws {
        let first = try planner(text).plan(recorded: StackState(stack: StackID(name: "shop", environment: "default")), observed: [:])
        let state = applied(first, outputs: outputs)
        let plan = try planner(text, variables: ["greeting": "bye"]).plan(recorded: state, observed: [:])
        let db = try #require(plan.changes.first { $0.resource == "db" })
        #expect(db.action == .update)
        #expect(db.diff == [AttributeDiff(attribute: "content", old: "hello", new: "bye")])
        let config = try #require(plan.changes.first { $0.resource == "config" })
        #expect(config.action == .update)
        #expect(config.diff.first?.new == .unknown("db at ${db.path}, hash ${db.sha256}"))
    }

    @Test("changing a property that cannot change in place means replace")
    func replace() throws {
        let first = try planner(text).plan(recorded: StackState(stack: StackID(name: "shop", environment: "default")), observed: [:])
        let state = applied(first, outputs: outputs)
        let moved = text.replacing("path: data/db.json", with: "path: data/other.json")
        let plan = try planner(moved).plan(recorded: state, observed: [:])
        let db = try #require(plan.changes.first { $0.resource == "db" })
        #expect(db.action == .replace)
        #expect(db.diff.first { $0.attribute == "path" }?.forcesReplacement == true)
    }

    @Test("a resource dropped from the blueprint is deleted; preventDestroy refuses")
    func delete() throws {
        let first = try planner(text).plan(recorded: StackState(stack: StackID(name: "shop", environment: "default")), observed: [:])
        var state = applied(first, outputs: outputs)
        state.resources["old"] = ResourceState(
            name: "old", type: "storage.file", provider: .local, region: "local-1",
            inputs: ["path": "old"], outputs: [:], dependencies: [], lifecycle: Lifecycle())
        let plan = try planner(text).plan(recorded: state, observed: [:])
        #expect(plan.changes.last?.action == .delete)
        #expect(plan.changes.last?.resource == "old")
        state.resources["old"]?.lifecycle.preventDestroy = true
        #expect(throws: Planner.Failure.self) { try planner(text).plan(recorded: state, observed: [:]) }
    }

    @Test("drift makes an update, a vanished resource a create, and ignoreChanges hides drift")
    func drift() throws {
        let first = try planner(text).plan(recorded: StackState(stack: StackID(name: "shop", environment: "default")), observed: [:])
        let state = applied(first, outputs: outputs)
        let observed: [String: Observation] = [
            "db": Observation(exists: false),
            "config": Observation(exists: true, drift: [AttributeDiff(attribute: "mode", old: "0644", new: "0600")]),
        ]
        let plan = try planner(text).plan(recorded: state, observed: observed)
        #expect(plan.changes.first { $0.resource == "db" }?.action == .create)
        #expect(plan.changes.first { $0.resource == "db" }?.reason?.contains("no longer exists") == true)
        // config's mode drift is ignored, but its content depends on db, which is being recreated.
        let config = try #require(plan.changes.first { $0.resource == "config" })
        #expect(!config.diff.contains { $0.attribute == "mode" })

        let contentDrift = [
            "config": Observation(exists: true, drift: [AttributeDiff(attribute: "content", old: "a", new: "b")]),
            "db": Observation(exists: true),
        ]
        let repair = try planner(text).plan(recorded: state, observed: contentDrift)
        #expect(repair.changes.first { $0.resource == "config" }?.action == .update)
        #expect(repair.changes.first { $0.resource == "config" }?.reason?.hasPrefix("drift") == true)
        #expect(repair.changes.first { $0.resource == "db" }?.action == .noop)
    }

    @Test("the observed fingerprint changes when what refresh saw changes; of a resource being deleted, only whether it exists counts")
    func fingerprint() {
        let a = Planner.fingerprint(["x": Observation(exists: true)], deleting: [])
        let b = Planner.fingerprint(["x": Observation(exists: false)], deleting: [])
        #expect(a != b)
        #expect(a == Planner.fingerprint(["x": Observation(exists: true)], deleting: []))

        let drifted = ["x": Observation(exists: true, drift: [AttributeDiff(attribute: "content", old: "one", new: "two")])]
        #expect(Planner.fingerprint(drifted, deleting: []) != a, "drift on a kept resource changes the plan")
        #expect(Planner.fingerprint(drifted, deleting: ["x"]) == Planner.fingerprint(["x": Observation(exists: true)], deleting: ["x"]))
        #expect(Planner.fingerprint(drifted, deleting: ["x"]) != Planner.fingerprint(["x": Observation(exists: false)], deleting: ["x"]))
    }

    @Test("variables: defaults, overlay, then --var; unknown names and wrong kinds are refused")
    func variables() throws {
        let blueprint = try #require(
            load(
                header + """
                    variables:
                      replicas: {type: integer, default: 2}
                    resources:
                      f: {type: storage.file, properties: {path: f}}
                    environments:
                      staging: {variables: {replicas: 1}}
                    """
            ).blueprint)
        #expect(try VariableResolver.resolve(blueprint, environment: nil, overrides: [:]) == ["replicas": .int(2)])
        #expect(try VariableResolver.resolve(blueprint, environment: "staging", overrides: [:]) == ["replicas": .int(1)])
        #expect(try VariableResolver.resolve(blueprint, environment: "staging", overrides: ["replicas": "5"]) == ["replicas": .int(5)])
        #expect(throws: VariableResolver.Failure.self) { try VariableResolver.resolve(blueprint, environment: "prod", overrides: [:]) }
        #expect(throws: VariableResolver.Failure.self) { try VariableResolver.resolve(blueprint, environment: nil, overrides: ["replica": "1"]) }
        #expect(throws: VariableResolver.Failure.self) { try VariableResolver.resolve(blueprint, environment: nil, overrides: ["replicas": "many"]) }
    }
}
