import DharmaTestKit
import Foundation
import Testing

@Suite("dharma audit", .serialized)
struct AuditCLITests {
    @Test("applies are logged; proof, verify and an offline bundle work; a tampered bundle is caught and named")
    func auditTour() throws {
        let directory = scratchDirectory()
        try writeBlueprint(
            "s.yaml", in: directory, stack: "audited", extra: "variables:\n  text: {type: string, default: one}\n",
            resources: "  a: {type: storage.file, properties: {path: a.txt, content: \"${var.text}\"}}")
        let environment = ["DHARMA_ACTOR": "alice"]
        #expect(try dharma(["apply", "s.yaml", "--auto-approve", "--reason", "ticket OPS-1"], in: directory, environment: environment).status == 0)
        #expect(try dharma(["apply", "s.yaml", "--auto-approve", "--var", "text=two"], in: directory, environment: environment).status == 0)
        #expect(try dharma(["plan", "s.yaml", "--var", "text=two"], in: directory).status == 0)  // no changes, nothing logged

        let log = try dharma(["audit", "log", "-f", "s.yaml", "--json"], in: directory)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries[0]["reason"] as? String == "ticket OPS-1")
        #expect((entries[0]["actor"] as? String)?.hasPrefix("alice@") == true)
        let none = try dharma(["audit", "log", "-f", "s.yaml", "--actor", "bob@nowhere", "--json"], in: directory).stdout
        #expect((try JSONSerialization.jsonObject(with: Data(none.utf8)) as? [Any])?.isEmpty == true)

        let proof = try dharma(["audit", "proof", "0", "-f", "s.yaml"], in: directory)
        #expect(proof.status == 0 && proof.stdout.contains("verified: the entry is in the signed checkpoint"))
        #expect(try dharma(["audit", "consistency", "1", "2", "-f", "s.yaml"], in: directory).status == 0)
        #expect(try dharma(["audit", "verify", "-f", "s.yaml"], in: directory).status == 0)
        #expect(try dharma(["audit", "proof", "9", "-f", "s.yaml"], in: directory).status == 2)

        #expect(try dharma(["audit", "export", "-f", "s.yaml", "--out", "bundle.json"], in: directory).status == 0)
        let offline = try dharma(["audit", "verify", "--bundle", directory + "/bundle.json"], in: scratchDirectory())
        #expect(offline.status == 0, "\(offline.stdout)")

        // Rewrite history in the bundle: the reason of entry 0.
        let original = try String(contentsOfFile: directory + "/bundle.json", encoding: .utf8)
        try original.replacingOccurrences(of: "ticket OPS-1", with: "nothing happened")
            .write(toFile: directory + "/tampered.json", atomically: true, encoding: .utf8)
        let tampered = try dharma(["audit", "verify", "--bundle", directory + "/tampered.json"], in: directory)
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("first bad entry: #0"))
        let garbage = try dharma(["audit", "verify", "--bundle", directory + "/s.yaml"], in: directory)
        #expect(garbage.status == 2)
    }
}

@Suite("dharma approve", .serialized)
struct ApproveCLITests {
    @Test("a stack with an approval gate applies a plan only once enough listed people signed exactly it")
    func approvals() throws {
        let directory = scratchDirectory()
        try writeBlueprint(
            "g.yaml", in: directory, stack: "gated", extra: "approvals: {required: 2, from: [alice, bob, carol]}\n",
            resources: "  a: {type: storage.file, properties: {path: a.txt, content: one}}")
        let direct = try dharma(["apply", "g.yaml", "--auto-approve"], in: directory)
        #expect(direct.status == 3)
        #expect(direct.stderr.contains("needs 2 approvals from alice, bob, carol"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/a.txt"))

        #expect(try dharma(["plan", "g.yaml", "--out", "g.plan"], in: directory).status == 4)
        let stranger = try dharma(["approve", "g.plan", "--as", "mallory"], in: directory)
        #expect(stranger.status == 2 && stranger.stderr.contains("not among the approvers"))
        let alice = try dharma(["approve", "g.plan", "--as", "alice", "--reason", "looks right"], in: directory)
        #expect(alice.status == 0 && alice.stdout.contains("1 of 2"))
        let early = try dharma(["apply", "--plan", "g.plan"], in: directory)
        #expect(early.status == 3)
        #expect(early.stderr.contains("approved by: alice; missing: bob, carol"))
        #expect(try dharma(["approve", "g.plan", "--as", "bob"], in: directory).stdout.contains("ready to apply"))
        let applied = try dharma(["apply", "--plan", "g.plan"], in: directory)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try String(contentsOfFile: directory + "/a.txt", encoding: .utf8) == "one")

        let log = try dharma(["audit", "log", "-f", "g.yaml", "--json"], in: directory)
        let actions = (try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["action"] as? String }
        #expect(actions == ["approve", "approve", "apply"])
        #expect(try dharma(["audit", "verify", "-f", "g.yaml"], in: directory).status == 0)
    }
}

@Suite("dharma witness", .serialized)
struct WitnessCLITests {
    @Test("a witness process cosigns the log's checkpoint; verify reports it final under a 1-of-1 policy")
    func witnessProcess() throws {
        let directory = scratchDirectory()
        try writeBlueprint("w.yaml", in: directory, stack: "witnessed", resources: "  a: {type: storage.file, properties: {path: a.txt}}")
        #expect(try dharma(["apply", "w.yaml", "--auto-approve"], in: directory).status == 0)
        let logKeys = try dharma(["audit", "keys", "-f", "w.yaml"], in: directory).stdout.split(separator: "\n").map(String.init)
        #expect(logKeys.count == 2)
        let witnessKeys = try dharma(["witness", "key", "--name", "w1", "--keys", directory + "/w1"]).stdout.split(separator: "\n").map(String.init)
        #expect(witnessKeys.count == 2 && witnessKeys.allSatisfy { $0.hasPrefix("w1+") })

        let before = try dharma(["audit", "verify", "-f", "w.yaml"] + witnessKeys.flatMap { ["--witness", $0] }, in: directory)
        #expect(before.stdout.contains("not final, cosigned by no witness"))

        let serve = try dharma(
            ["witness", "serve", "--name", "w1", "--keys", directory + "/w1", "--log", directory + "/.dharma/dharma.db", "--once"]
                + logKeys.flatMap { ["--log-key", $0] })
        #expect(serve.status == 0 && serve.stdout.contains("cosigned the checkpoint of size 1"), "\(serve.stderr)")
        let after = try dharma(["audit", "verify", "-f", "w.yaml", "--quorum", "1"] + witnessKeys.flatMap { ["--witness", $0] }, in: directory)
        #expect(after.status == 0)
        #expect(after.stdout.contains("checkpoint #1 (size 1): final, cosigned by w1"))

        // A witness given the wrong log keys refuses.
        let stranger = try dharma(
            ["witness", "serve", "--name", "w2", "--keys", directory + "/w2", "--log", directory + "/.dharma/dharma.db", "--once"]
                + witnessKeys.flatMap { ["--log-key", $0] })
        #expect(stranger.status == 1 && stranger.stderr.contains("not validly signed by the log"))
    }
}

@Suite("audit webhook", .serialized)
struct AuditWebhookTests {
    @Test("entries are posted with an HMAC-SHA256 signature, retried after a failure; a dead endpoint never blocks the apply")
    func webhook() throws {
        let directory = scratchDirectory()
        try writeBlueprint("h.yaml", in: directory, stack: "hooked", resources: "  a: {type: storage.file, properties: {path: a.txt}}")
        let receiver = try HTTPReceiver(statuses: [503])
        let environment = ["DHARMA_AUDIT_WEBHOOK": "http://127.0.0.1:\(receiver.port)/audit", "DHARMA_AUDIT_WEBHOOK_SECRET": "s3cret"]
        let apply = try dharma(["apply", "h.yaml", "--auto-approve"], in: directory, environment: environment)
        #expect(apply.status == 0, "\(apply.stderr)")
        let requests = receiver.requests
        #expect(requests.count == 2, "one 503, then the retry")
        let delivered = try #require(requests.last)
        #expect(delivered.head.hasPrefix("POST /audit "))
        #expect(delivered.body.contains("\"action\":\"apply\""))
        // The signature is HMAC-SHA256 of the body with the shared secret (checked with Python's hmac).
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = [
            "python3", "-c", "import hmac,hashlib,sys; print('sha256=' + hmac.new(b's3cret', sys.argv[1].encode(), hashlib.sha256).hexdigest())",
            delivered.body,
        ]
        let pipe = Pipe()
        check.standardOutput = pipe
        try check.start()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        check.waitUntilExit()
        #expect(delivered.header("X-Dharma-Signature") == expected)

        // Nobody listening: the change still happens, the failure is reported.
        let dead = ["DHARMA_AUDIT_WEBHOOK": "http://127.0.0.1:9/audit", "DHARMA_AUDIT_WEBHOOK_SECRET": "s3cret"]
        try writeBlueprint("h.yaml", in: directory, stack: "hooked", resources: "  a: {type: storage.file, properties: {path: a.txt, content: two}}")
        let blocked = try dharma(["apply", "h.yaml", "--auto-approve"], in: directory, environment: dead)
        #expect(blocked.status == 0)
        #expect(blocked.stderr.contains("warning: audit webhook"))
        #expect(try String(contentsOfFile: directory + "/a.txt", encoding: .utf8) == "two")
        let noSecret = try dharma(["apply", "h.yaml", "--auto-approve"], in: directory, environment: ["DHARMA_AUDIT_WEBHOOK": "http://127.0.0.1:9/x"])
        #expect(noSecret.status == 2 && noSecret.stderr.contains("DHARMA_AUDIT_WEBHOOK_SECRET"))
    }
}
