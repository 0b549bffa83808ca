import DharmaTestKit
import Foundation
import Testing

@Suite("dharma CLI", .serialized)
struct CLITests {
    @Test("validate: compiler-style diagnostics, exit 2, and the documented JSON shape")
    func validate() throws {
        let directory = scratchDirectory()
        let path = directory + "/bad.yaml"
        try """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: shop}
        target: {provider: local, region: local-1}
        resources:
          web:
            type: compute.service
            properties: {command: [x], replica: 2}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let text = try dharma(["validate", path])
        #expect(text.status == 2)
        #expect(text.stdout.contains("\(path):8:32: error[E017]: property `replica` is not part of compute.service"))
        #expect(text.stdout.contains("hint: did you mean `replicas`?"))
        #expect(!text.stdout.contains("\u{1B}["), "no colour without a terminal")

        let result = try dharma(["validate", path, "--json"])
        #expect(result.status == 2)
        let object = try json(result.stdout)
        #expect(object["valid"] as? Bool == false)
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(Set(first.keys) == ["severity", "code", "message", "file", "line", "column", "hint"])
        #expect(first["line"] as? Int == 8 && first["column"] as? Int == 32)

        let good = try dharma(["validate", TestPaths.repository + "/examples/webapp.yaml"])
        #expect(good.status == 0)
        let missing = try dharma(["validate", directory + "/nope.yaml"])
        #expect(missing.status == 2 && missing.stdout.contains("no such file"))
    }

    @Test("plan against an empty state exits 4 with JSON changes and a summary; cloud examples plan too")
    func planJSON() throws {
        let directory = scratchDirectory()
        for example in ["aws-3tier", "multicloud"] {
            try FileManager.default.copyItem(atPath: "\(TestPaths.repository)/examples/\(example).yaml", toPath: "\(directory)/\(example).yaml")
            let result = try dharma(["plan", "\(example).yaml", "--json"], in: directory)
            #expect(result.status == 4, "\(example): \(result.stderr)")
            let object = try json(result.stdout)
            let changes = try #require(object["changes"] as? [[String: Any]])
            #expect(!changes.isEmpty && changes.allSatisfy { $0["action"] as? String == "create" })
            #expect(Set(changes[0].keys).isSuperset(of: ["resource", "type", "action", "diff"]))
            let summary = try #require(object["summary"] as? [String: Int])
            #expect(summary["create"] == changes.count && summary["noop"] == 0)
        }
        let apply = try dharma(["apply", "aws-3tier.yaml", "--auto-approve"], in: directory)
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("applying to aws is not implemented"))
        #expect(apply.stderr.contains("nothing was changed"))
    }

    @Test("webapp: up, plan says no changes, kill and edit, drift exits 4 naming attributes, apply repairs")
    func webappTour() throws {
        let directory = scratchDirectory()
        try copyWebapp(to: directory)
        let environment = ["DHARMA_EXECUTABLE": TestPaths.dharma]
        let up = try dharma(["up", "webapp.yaml", "--once"], in: directory, environment: environment)
        #expect(up.status == 0, "\(up.stdout)\n\(up.stderr)")
        #expect(up.stdout.contains("web: created"))
        defer { _ = try? dharma(["destroy", "webapp.yaml", "--auto-approve"], in: directory, environment: environment) }

        let plan = try dharma(["plan", "webapp.yaml"], in: directory, environment: environment)
        #expect(plan.status == 0)
        #expect(plan.stdout.contains("No changes."))

        let url = try dharma(["output", "url", "-f", "webapp.yaml"], in: directory).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let port = try #require(Int(url.split(separator: ":").last ?? ""))
        #expect(try http("GET", port: port, path: "/healthz").body == "ok\n")

        let show = try json(try dharma(["state", "show", "web", "-f", "webapp.yaml", "--json"], in: directory).stdout)
        let pids = try #require((show["outputs"] as? [String: Any])?["pids"] as? [Int])
        #expect(pids.count == 2)
        let secret = try json(try dharma(["state", "show", "api-key", "-f", "webapp.yaml", "--json"], in: directory).stdout)
        #expect(!"\(secret)".contains(try String(contentsOfFile: directory + "/data/api-key", encoding: .utf8)))

        kill(Int32(pids[1]), SIGKILL)
        try "{\"broken\": true}".write(toFile: directory + "/data/db.json", atomically: false, encoding: .utf8)
        usleep(200_000)
        let drift = try dharma(["drift", "webapp.yaml"], in: directory)
        #expect(drift.status == 4)
        #expect(drift.stdout.contains("~ db (storage.file)"))
        #expect(drift.stdout.contains("content: expected \"sha256:"))
        #expect(drift.stdout.contains("replica[1].process: expected \"pid \(pids[1]) running\", found \"not running\""))

        let noTTY = try dharma(["apply", "webapp.yaml"], in: directory, environment: environment)
        #expect(noTTY.status == 2)
        #expect(noTTY.stderr.contains("--auto-approve"))

        let repair = try dharma(["apply", "webapp.yaml", "--auto-approve"], in: directory, environment: environment)
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(try dharma(["drift", "webapp.yaml"], in: directory).status == 0)
        #expect(try String(contentsOfFile: directory + "/data/db.json", encoding: .utf8) == "{}")

        let history = try dharma(["state", "history", "-f", "webapp.yaml"], in: directory)
        #expect(history.stdout.split(separator: "\n").count == 2)
        let graph = try dharma(["graph", "webapp.yaml"], in: directory)
        #expect(graph.stdout.contains("\"web\" -> \"db\";"))
    }

    @Test("a saved plan applies exactly, and is refused when stale")
    func savedPlan() throws {
        let directory = scratchDirectory()
        try """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: saved}
        target: {provider: local, region: local-1}
        resources:
          a: {type: storage.file, properties: {path: a.txt, content: one}}
        """.write(toFile: directory + "/s.yaml", atomically: true, encoding: .utf8)
        let plan = try dharma(["plan", "s.yaml", "--out", "s.plan"], in: directory)
        #expect(plan.status == 4)
        let stale = try dharma(["plan", "s.yaml", "--out", "stale.plan"], in: directory)
        #expect(stale.status == 4)
        #expect(try dharma(["apply", "--plan", "s.plan"], in: directory).status == 0)
        #expect(try String(contentsOfFile: directory + "/a.txt", encoding: .utf8) == "one")
        let refused = try dharma(["apply", "--plan", "stale.plan"], in: directory)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("stale"))
        let garbage = try dharma(["apply", "--plan", "s.yaml"], in: directory)
        #expect(garbage.status == 2)
    }

    @Test("schema is a draft 2020-12 JSON Schema that accepts the examples and rejects a typo")
    func schema() throws {
        let result = try dharma(["schema"])
        #expect(result.status == 0)
        let object = try json(result.stdout)
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let definitions = try #require(object["$defs"] as? [String: Any])
        #expect(definitions.count >= 26)
        // Cross-check with the reference validator when it is installed (CI installs it).
        let directory = scratchDirectory()
        try result.stdout.write(toFile: directory + "/schema.json", atomically: true, encoding: .utf8)
        let script = """
            import json, sys, yaml, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            v = jsonschema.Draft202012Validator(schema)
            for path in sys.argv[2:]:
                doc = yaml.safe_load(open(path))
                errors = list(v.iter_errors(doc))
                print(path, len(errors))
            bad = yaml.safe_load(open(sys.argv[2]))
            bad["resources"]["web"]["properties"]["replica"] = 2
            print("typo", len(list(v.iter_errors(bad))))
            """
        try script.write(toFile: directory + "/check.py", atomically: true, encoding: .utf8)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments =
            ["python3", directory + "/check.py", directory + "/schema.json"]
            + ["webapp", "aws-3tier", "multicloud"].map { "\(TestPaths.repository)/examples/\($0).yaml" }
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.start()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "python jsonschema check failed")
        let counts = output.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        #expect(counts == ["0", "0", "0", "1"], "\(output)")
    }

    @Test("bad arguments get a usage error, never a crash")
    func badArguments() throws {
        #expect(try dharma(["plan"]).status == 64)
        #expect(try dharma(["apply"]).status == 64)
        let badVar = try dharma(["plan", TestPaths.repository + "/examples/webapp.yaml", "--var", "replicas=many"], in: scratchDirectory())
        #expect(badVar.status == 2 && badVar.stderr.contains("declared integer"))
        let badEnv = try dharma(["plan", TestPaths.repository + "/examples/webapp.yaml", "--env", "prod"], in: scratchDirectory())
        #expect(badEnv.status == 2 && badEnv.stderr.contains("staging"))
        #expect(try dharma(["version"]).stdout.hasPrefix("dharma "))
    }
}
