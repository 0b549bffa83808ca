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

@Suite("Blueprint validation: regions and zones")
struct RegionValidationTests {
    func blueprint(provider: String, region: String, resources: String = "  net: {type: network.vpc, properties: {cidr: 10.0.0.0/16}}")
        -> BlueprintLoader.Result
    {
        load(
            """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: shop}
            target: {provider: \(provider), region: \(region)}
            resources:
            \(resources)

            """)
    }

    @Test("a misspelt region is refused at its place with the closest one; an unpriced but real one is accepted")
    func regions() throws {
        let typo = try #require(diagnostic(blueprint(provider: "aws", region: "us-eats-1"), .unknownRegion))
        #expect(typo.message == "`us-eats-1` is not a region of aws" && typo.hint == "did you mean `us-east-1`?")
        #expect(typo.location?.line == 4 && typo.location?.column == "target: {provider: aws, region: ".count + 1)
        for (provider, region) in [
            ("aws", "us-east-2"), ("aws", "ap-southeast-7"), ("azure", "germanywestcentral"), ("gcp", "europe-west12"),
            ("oracle", "eu-frankfurt-1"), ("alibaba", "cn-hangzhou"), ("ibm", "eu-de"), ("digitalocean", "fra1"),
        ] {
            let result = blueprint(provider: provider, region: region, resources: "  disk: {type: storage.volume, properties: {size: 10Gi}}")
            #expect(diagnostic(result, .unknownRegion) == nil, "\(provider) \(region)")
        }
        #expect(diagnostic(blueprint(provider: "azure", region: "germanywest"), .unknownRegion)?.hint == "did you mean `germanywestcentral`?")
        #expect(diagnostic(blueprint(provider: "gcp", region: "europe-west1a"), .unknownRegion) != nil)
    }

    @Test("operators' own region names take any DNS label, and nothing else")
    func ownNames() {
        #expect(diagnostic(blueprint(provider: "openstack", region: "rack-7"), .unknownRegion) == nil)
        #expect(
            diagnostic(blueprint(provider: "vsphere", region: "dc-01", resources: "  disk: {type: storage.volume, properties: {size: 10Gi}}"), .unknownRegion)
                == nil)
        let bad = diagnostic(blueprint(provider: "openstack", region: "Rack_7"), .unknownRegion)
        #expect(bad?.message.contains("not a valid name for openstack") == true)
    }

    @Test("a resource's own region and a zone that is not in its region are refused")
    func resourceRegionAndZone() throws {
        let result = blueprint(
            provider: "aws", region: "eu-west-1",
            resources: """
                  a: {type: storage.volume, region: eu-wset-2, properties: {size: 10Gi}}
                  b: {type: storage.volume, properties: {size: 10Gi, zone: us-east-1a}}
                  c: {type: storage.volume, properties: {size: 10Gi, zone: eu-west-1b}}
                """)
        let problems = result.diagnostics.filter { $0.code == DiagnosticCode.unknownRegion.rawValue }
        #expect(problems.count == 2, "\(problems.map(\.message))")
        #expect(problems.contains { $0.message == "`eu-wset-2` is not a region of aws" && $0.hint == "did you mean `eu-west-2`?" })
        #expect(problems.contains { $0.message.hasPrefix("`us-east-1a` is not a zone of aws region eu-west-1; it has eu-west-1a, eu-west-1b, eu-west-1c") })
    }

    @Test("every example blueprint's regions are real")
    func examples() {
        for name in ["webapp", "aws-3tier", "multicloud"] {
            let result = BlueprintLoader().load(path: "\(TestPaths.repository)/examples/\(name).yaml")
            #expect(diagnostic(result, .unknownRegion) == nil, "\(name)")
        }
    }
}
