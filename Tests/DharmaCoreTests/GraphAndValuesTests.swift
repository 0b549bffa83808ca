import DharmaCore
import Testing

@Suite("Graph, templates and units")
struct GraphAndValuesTests {
    @Test("topological order puts dependencies first and keeps blueprint order among equals")
    func order() {
        let graph = DependencyGraph(
            nodes: ["web", "db", "cache", "lb"],
            dependencies: ["web": ["db", "cache"], "lb": ["web"]])
        #expect(graph.topologicalOrder() == ["db", "cache", "web", "lb"])
        #expect(graph.cycles().isEmpty)
        #expect(graph.dependents["db"] == ["web"])
    }

    @Test("cycles are found, each once, starting at the first resource in the blueprint")
    func cycles() {
        let graph = DependencyGraph(nodes: ["a", "b", "c", "d"], dependencies: ["b": ["c"], "c": ["a"], "a": ["b"], "d": ["d"]])
        #expect(graph.topologicalOrder() == nil)
        #expect(Set(graph.cycles()) == [["a", "b", "c"], ["d"]])
    }

    @Test("a long chain sorts without recursion")
    func longChain() {
        let count = 50_000
        let nodes = (0..<count).map { "r\($0)" }
        var edges: [String: Set<String>] = [:]
        for index in 1..<count { edges["r\(index)"] = ["r\(index - 1)"] }
        let graph = DependencyGraph(nodes: nodes.reversed(), dependencies: edges)
        #expect(graph.topologicalOrder()?.first == "r0")
        #expect(graph.cycles().isEmpty)
    }

    @Test("DOT output quotes names and draws an edge per dependency")
    func dot() {
        let dot = DependencyGraph(nodes: ["web", "db"], dependencies: ["web": ["db"]]).dot(name: "shop", labels: ["web": "compute.service"])
        #expect(dot.contains("\"web\" [label = \"web\\ncompute.service\"];"))
        #expect(dot.contains("\"web\" -> \"db\";"))
        #expect(dot.hasPrefix("digraph \"shop\" {"))
    }

    @Test("templates: references, literals, escapes and syntax errors")
    func templates() throws {
        let template = try Template.parse("http://${web.host}:${var.port}/x")
        #expect(template.references.map(\.description) == ["web.host", "var.port"])
        #expect(try Template.parse("${self.port}").soleReference?.root == .selfResource)
        #expect(try Template.parse("cost $${5}").parts == [.literal("cost ${5}")])
        #expect(throws: Template.SyntaxError.self) { try Template.parse("${web.url") }
        #expect(throws: Template.SyntaxError.self) { try Template.parse("${web}") }
    }

    @Test("evaluation keeps types for sole references and defers self outputs to the provider")
    func evaluation() {
        let evaluator = Evaluator(variables: ["replicas": 3], resources: ["db": ["path": "data/db.json"]])
        #expect(evaluator.evaluate("${var.replicas}") == .int(3))
        #expect(evaluator.evaluate("at ${db.path}") == .string("at data/db.json"))
        #expect(evaluator.evaluate("${db.url}") == .unknown("${db.url}"))
        let service = ResourceCatalog.type(named: "compute.service")
        #expect(evaluator.evaluate(["--port", "${self.port}"], selfType: service) == .list(["--port", "${self.port}"]))
    }

    @Test("sizes, durations and percentages parse the way Kubernetes and Go write them")
    func units() {
        #expect(Units.bytes("4Gi") == 4 << 30)
        #expect(Units.bytes("512Mi") == 512 << 20)
        #expect(Units.bytes("1G") == 1_000_000_000)
        #expect(Units.bytes(.int(100)) == 100)
        #expect(Units.bytes("lots") == nil)
        #expect(Units.seconds("1h30m") == 5400)
        #expect(Units.seconds("500ms") == 0.5)
        #expect(Units.seconds("7d") == 604_800)
        #expect(Units.seconds("soon") == nil)
        #expect(Units.percent("70%") == 70)
        #expect(Units.isCIDR("10.0.0.0/16"))
        #expect(!Units.isCIDR("10.0.0.256/16"))
    }

    @Test("the catalog has at least 24 types, each with providers and a schema")
    func catalog() {
        #expect(ResourceCatalog.all.count >= 24)
        for type in ResourceCatalog.all {
            #expect(!type.providers.isEmpty, "\(type.name)")
            #expect(!type.properties.isEmpty, "\(type.name)")
        }
        #expect(Set(ResourceCatalog.names).count == ResourceCatalog.all.count)
    }
}
