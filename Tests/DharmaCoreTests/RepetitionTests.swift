import DharmaCore
import DharmaTestKit
import Foundation
import Testing

@Suite("Blueprints: count and forEach")
struct RepetitionTests {
    func prepared(_ resources: String, variables: String = "", overrides: [String: String] = [:], outputs: String = "") throws -> PreparedBlueprint {
        let path = Scratch.path("dharma-repetition", suffix: ".yaml")
        try """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: shop}
        target: {provider: local, region: local-1}
        \(variables)
        resources:
        \(resources)
        \(outputs)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return try PreparedBlueprint.prepare(path: path, environment: nil, variables: overrides)
    }

    @Test("count makes numbered copies with ${self.index}; forEach over a list or a map makes keyed copies with ${self.key} and ${self.value}")
    func copies() throws {
        let result = try prepared(
            """
              part: {type: storage.file, count: 3, properties: {path: "parts/${self.index}.txt", content: "part ${self.index}"}}
              site: {type: storage.file, forEach: [eu, us], properties: {path: "sites/${self.key}.txt", content: "${self.key}"}}
              zone: {type: storage.file, forEach: {eu: eu-west-1, us: us-east-1}, properties: {path: "zones/${self.key}", content: "${self.value}"}}
            """)
        let names = result.blueprint.resources.map(\.name)
        #expect(names == ["part[0]", "part[1]", "part[2]", #"site["eu"]"#, #"site["us"]"#, #"zone["eu"]"#, #"zone["us"]"#])
        let plan = try Planner(blueprint: result.blueprint, variables: result.variables, blueprintHash: result.hash)
            .plan(recorded: StackState(stack: result.stack), observed: [:])
        let inputs = Dictionary(uniqueKeysWithValues: plan.changes.compactMap { change in change.desired.map { (change.resource, $0.inputs) } })
        #expect(inputs["part[1]"]?["content"] == .string("part 1"))
        #expect(inputs[#"site["us"]"#]?["path"] == .string("sites/us.txt"))
        #expect(inputs[#"zone["eu"]"#]?["content"] == .string("eu-west-1"))
    }

    @Test("references to one copy, to every copy ([*]) and dependsOn on all copies; count from a variable")
    func references() throws {
        let result = try prepared(
            """
              part: {type: storage.file, count: "${var.parts}", properties: {path: "p${self.index}", content: x}}
              index: {type: storage.file, properties: {path: index.txt, content: "${part[1].path}"}}
              all: {type: storage.file, dependsOn: [part], properties: {path: all.txt, content: "${var.parts}"}}
            """, variables: "variables:\n  parts: {type: integer, default: 2}", overrides: ["parts": "3"],
            outputs: "outputs:\n  paths: \"${part[*].path}\"")
        #expect(result.blueprint.resources.filter { $0.name.hasPrefix("part[") }.count == 3)
        let all = try #require(result.blueprint.resource(named: "all"))
        #expect(all.dependsOn.map(\.value) == ["part[0]", "part[1]", "part[2]"])
        let graph = BlueprintReferences.graph(of: result.blueprint)
        #expect(graph.dependencies(of: "index") == ["part[1]"])
        let paths = try #require(result.blueprint.outputs.first).node
        #expect(paths.sequence?.compactMap(\.scalar) == ["${part[0].path}", "${part[1].path}", "${part[2].path}"])
    }

    @Test("mistakes: a copy out of range, a key that is not one, a bare name for copies, [*] inside text, count from a resource")
    func mistakes() {
        let result = load(
            header + """
                resources:
                  part: {type: storage.file, count: 2, properties: {path: "p${self.index}"}}
                  site: {type: storage.file, forEach: [eu, us], properties: {path: "s${self.key}"}}
                  a: {type: storage.file, properties: {path: a, content: "${part[2].path}"}}
                  b: {type: storage.file, properties: {path: b, content: "${site[\\"asia\\"].path}"}}
                  c: {type: storage.file, properties: {path: c, content: "${part.path}"}}
                  d: {type: storage.file, properties: {path: d, content: "all: ${part[*].path}"}}
                  e: {type: storage.file, count: "${a.sha256}", properties: {path: e}}
                  f: {type: storage.file, properties: {path: "f${self.index}"}}
                """)
        let messages = result.diagnostics.map(\.message)
        #expect(messages.contains("`part[2]` is past the last copy: `part` has count 2"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix(#"`site["asia"]` is not a copy of `site`; its keys are "eu", "us""#) })
        #expect(messages.contains { $0.hasPrefix("`part` stands for several copies; refer to one, `${part[0].path}`, or to all, `${part[*].path}`") })
        #expect(messages.contains("`[*]` gives a list of every copy; use it as a whole value, not inside text"))
        #expect(messages.contains { $0.hasPrefix("`count` and `forEach` are known before anything is applied") })
        #expect(messages.contains("`${self.index}` is only meaningful in a resource with `count`"))
    }

    @Test("a count of zero makes no copies, and a variable count out of range is named")
    func zeroAndRange() throws {
        let none = try prepared(
            """
              part: {type: storage.file, count: 0, properties: {path: "p${self.index}"}}
              other: {type: storage.file, properties: {path: o}}
            """)
        #expect(none.blueprint.resources.map(\.name) == ["other"])
        #expect(throws: PreparedBlueprint.Failure.self) {
            try prepared(
                "  part: {type: storage.file, count: \"${var.n}\", properties: {path: \"p${self.index}\"}}",
                variables: "variables:\n  n: {type: integer, default: 5000}")
        }
    }
}
