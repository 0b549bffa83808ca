import DharmaCore
import DharmaTestKit
import Testing

@Suite("Blueprint validation")
struct ValidationTests {
    @Test("the shipped examples are valid")
    func examplesValidate() {
        for name in ["webapp", "aws-3tier", "multicloud"] {
            let result = BlueprintLoader().load(path: "\(TestPaths.repository)/examples/\(name).yaml")
            #expect(result.diagnostics.isEmpty, "\(name): \(result.diagnostics.map(\.message))")
            #expect(result.blueprint != nil)
        }
    }

    @Test("an unknown property is reported at its position with a suggestion")
    func unknownPropertySuggestion() throws {
        let result = load(
            header + """
                resources:
                  web:
                    type: compute.service
                    properties:
                      command: [sleep, "60"]
                      replica: 2
                """)
        let found = try #require(diagnostic(result, .unknownProperty))
        #expect(found.location == SourceLocation(file: "test.yaml", line: 10, column: 7))
        #expect(found.hint == "did you mean `replicas`?")
        #expect(found.message == "property `replica` is not part of compute.service")
    }

    @Test("wrong apiVersion, kind, unknown top-level key and missing name all come out in one run")
    func everyProblemAtOnce() {
        let result = load(
            """
            apiVersion: dharma.dev/v2
            kind: Blueprnt
            metdata: {name: shop}
            target: {provider: local, region: local-1}
            resources:
              Web_1:
                type: compute.servce
            """)
        let found = Set(codes(result))
        #expect(found.isSuperset(of: ["E010", "E011", "E013", "E012", "E015", "E016"]))
        #expect(diagnostic(result, .unknownKey)?.hint == "did you mean `metadata`?")
        #expect(diagnostic(result, .unknownResourceType)?.hint == "did you mean `compute.service`?")
        #expect(diagnostic(result, .badName)?.location?.line == 6)
        #expect(result.blueprint == nil)
    }

    @Test("duplicate keys are errors with a position")
    func duplicateKeys() throws {
        let result = load(
            header + """
                resources:
                  db:
                    type: storage.file
                    properties: {path: a.txt}
                  db:
                    type: storage.file
                    properties: {path: b.txt}
                """)
        let found = try #require(diagnostic(result, .duplicateKey))
        // The second `db` (the one to remove) is on line 10, the first on line 7; as yamllint does.
        let first = (header.split(separator: "\n", omittingEmptySubsequences: false).count - 1) + 2
        #expect(found.message == "duplicate key `db` in one map; it is first set at line \(first)", "\(found.message)")
        #expect(found.location?.line == first + 3 && found.location?.column == 3)
    }

    @Test("a duplicate key in a flow map and a nested map points at the second occurrence")
    func duplicateKeysElsewhere() throws {
        let flow = load(header + "resources:\n  db: {type: storage.file, properties: {path: a.txt, mode: \"0644\", path: b.txt}}\n")
        let line = header.split(separator: "\n", omittingEmptySubsequences: false).count + 1
        let inFlow = try #require(diagnostic(flow, .duplicateKey))
        #expect(inFlow.location?.line == line && inFlow.location?.column == 68, "\(String(describing: inFlow.location))")
        #expect(inFlow.message.contains("`path`") && inFlow.message.contains("first set at line \(line)"))

        let nested = load(
            header + """
                resources:
                  db:
                    type: storage.file
                    properties:
                      path: a.txt
                      # a comment between them
                      mode: "0600"
                      path: b.txt
                """)
        let inBlock = try #require(diagnostic(nested, .duplicateKey))
        #expect(inBlock.location?.line == line + 6 && inBlock.location?.column == 7, "\(String(describing: inBlock.location))")
    }

    @Test("values out of range, outside the enum, of the wrong type or unit")
    func valueChecks() {
        let result = load(
            header + """
                resources:
                  web:
                    type: compute.service
                    properties:
                      command: [sleep, "60"]
                      replicas: -1
                      memory: 12 bananas
                      stopGracePeriod: soon
                      port: "8080"
                  cache:
                    type: storage.bucket
                    properties: {path: b, encryption: rot13}
                """)
        #expect(diagnostic(result, .outOfRange)?.message == "`replicas` is -1, below the minimum 0")
        #expect(diagnostic(result, .notInEnum)?.message.contains("`rot13`") == true)
        let wrongTypes = result.diagnostics.filter { $0.code == "E014" }
        #expect(wrongTypes.count == 3)
        #expect(wrongTypes.contains { $0.hint == "remove the quotes: `8080`" })
    }

    @Test("unknown references name what is missing and suggest what exists")
    func unknownReferences() {
        let result = load(
            header + """
                variables:
                  replicas: {type: integer, default: 2}
                resources:
                  db:
                    type: storage.file
                    properties: {path: db.json}
                  web:
                    type: compute.service
                    properties:
                      command: [sleep, "60"]
                      replicas: ${var.replica}
                      env: {A: "${dbb.path}", B: "${db.pth}", C: "${self.nope}"}
                """)
        let references = result.diagnostics.filter { $0.code == "E021" }
        #expect(references.count == 4)
        #expect(references.contains { $0.message == "unknown variable `var.replica`" && $0.hint == "did you mean `replicas`?" })
        #expect(references.contains { $0.message.contains("unknown resource `dbb`") && $0.hint == "did you mean `db`?" })
        #expect(references.contains { $0.message.contains("`pth` is not an attribute") && $0.hint == "did you mean `path`?" })
        #expect(references.contains { $0.message.contains("`nope` is not an attribute of compute.service") })
    }

    @Test("a dependency cycle is printed as a → b → c → a")
    func cycle() throws {
        let result = load(
            header + """
                resources:
                  a:
                    type: storage.file
                    properties: {path: a, content: "${b.path}"}
                  b:
                    type: storage.file
                    properties: {path: b}
                    dependsOn: [c]
                  c:
                    type: storage.file
                    properties: {path: c, content: "${a.sha256}"}
                """)
        let found = try #require(diagnostic(result, .dependencyCycle))
        #expect(found.message == "dependency cycle: a → b → c → a")
        #expect(found.location?.line == 6)
    }

    @Test("a type the provider does not offer is an error naming the providers that do")
    func unsupportedByProvider() throws {
        let result = load(
            header + """
                resources:
                  dw:
                    type: data.warehouse
                """)
        let found = try #require(diagnostic(result, .unsupportedByProvider))
        #expect(found.message == "`data.warehouse` is not supported by provider `local`")
        #expect(found.hint?.contains("snowflake") == true)
    }

    @Test("the local provider requires a command for services")
    func providerRequirement() {
        let result = load(
            header + """
                resources:
                  web: {type: compute.service, properties: {image: nginx}}
                """)
        #expect(result.diagnostics.contains { $0.code == "E012" && $0.message.contains("`command`") })
    }

    @Test("diagnostics render as FILE:LINE:COL with the source line and a caret under the column")
    func rendering() throws {
        let text =
            header + """
                resources:
                  web:
                    type: compute.service
                    properties: {command: [x], replica: 2}
                """
        let result = load(text)
        let found = try #require(diagnostic(result, .unknownProperty))
        let rendered = DiagnosticRenderer(sources: ["test.yaml": try #require(result.source)]).render(found)
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "test.yaml:8:32: error[E017]: property `replica` is not part of compute.service")
        #expect(lines[1] == " 8 |     properties: {command: [x], replica: 2}")
        #expect(lines[2] == "   |                                ^")
        #expect(lines[3] == "  hint: did you mean `replicas`?")
    }

    @Test("environment overlays may only set declared variables of the right type")
    func environments() {
        let result = load(
            header + """
                variables:
                  replicas: {type: integer, default: 2}
                resources:
                  f: {type: storage.file, properties: {path: f}}
                environments:
                  staging: {variables: {replicas: two, size: 3}}
                """)
        #expect(result.diagnostics.contains { $0.code == "E014" && $0.message.contains("`replicas`") })
        #expect(result.diagnostics.contains { $0.code == "E021" && $0.message.contains("`size`") })
    }

    @Test("an approval gate needs a sensible count and distinct approvers")
    func approvalPolicy() {
        let resource = "resources:\n  f: {type: storage.file, properties: {path: f}}\n"
        let good = load(header + "approvals: {required: 2, from: [alice, bob]}\n" + resource)
        #expect(good.blueprint?.approvals == ApprovalPolicy(required: 2, from: ["alice", "bob"]))
        let tooMany = load(header + "approvals: {required: 3, from: [alice, bob]}\n" + resource)
        #expect(diagnostic(tooMany, .outOfRange)?.message.contains("between 1 and the 2 approvers") == true)
        let twice = load(header + "approvals: {required: 1, from: [alice, alice]}\n" + resource)
        #expect(diagnostic(twice, .duplicateKey) != nil)
    }
}
