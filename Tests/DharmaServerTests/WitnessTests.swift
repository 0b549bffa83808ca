import DharmaAPI
import DharmaAudit
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

/// Witnesses over HTTP, with real processes: `dharma witness serve --listen` answers C2SP
/// tlog-witness's `add-checkpoint`, the server pushes each organisation's checkpoints to the
/// witnesses it registered, and `audit verify --remote` counts the cosignatures.
@Suite("Server: witnesses over HTTP", .serialized)
struct WitnessTests {
    /// A `dharma witness serve --listen` process and the URL it printed.
    final class WitnessProcess: Sendable {
        let process: Process
        let url: String
        let keys: [String]

        init(name: String, logKeys: [String]) async throws {
            let directory = Scratch.directory("witness-\(name)")
            keys = try await runDharma(["witness", "key", "--name", name, "--keys", directory + "/keys"]).split(separator: "\n").map(String.init)
            let output = Scratch.path("witness-output", suffix: ".log")
            FileManager.default.createFile(atPath: output, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestPaths.dharma)
            process.arguments =
                ["witness", "serve", "--name", name, "--keys", directory + "/keys", "--listen", "127.0.0.1:0"] + logKeys.flatMap { ["--log-key", $0] }
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            process.standardError = process.standardOutput
            try process.start()
            self.process = process
            var printed: String?
            try await waitFor("witness \(name) to say where it listens", timeout: 60) {
                let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                printed = text.split(separator: "\n").first { $0.contains("witnessing at ") }.map { String($0.split(separator: " ").last ?? "") }
                return printed != nil || !process.isRunning
            }
            guard let printed, process.isRunning else {
                throw ServerTestError("witness \(name) did not start: \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
            }
            url = printed.replacingOccurrences(of: "/add-checkpoint", with: "")
        }

        func stop() { process.stop() }
    }

    @Test(
        "a witness process cosigns the organisation's log over HTTP after an apply; audit verify --remote with its keys finds the checkpoint final; the witness refuses what C2SP says to"
    )
    func cosigning() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let logKeys = try await server.withClient { try await $0.api.getAuditCheckpoint(path: .init(org: "acme")).ok.body.json.keys }
        let witness = try await WitnessProcess(name: "w1", logKeys: logKeys)
        defer { witness.stop() }
        #expect(witness.keys.count == 2)
        #expect(try NoteVerifierCheck.types(of: witness.keys) == [0x04, 0xff], "Ed25519 cosigner keys are typed cosignature/v1 (0x04), as C2SP witnesses'")

        try await server.withClient(token: tenants.tokens["admin-user"]) { admin in
            _ = try await admin.api.setWitness(path: .init(org: "acme", witness: "w1"), body: .json(.init(url: witness.url, keys: witness.keys))).ok
        }
        // An apply appends entries; the server pushes the new checkpoint when the run ends.
        let run = try await server.withClient(token: tenants.tokens["operator-user"]) { try await RunTests.queue(.apply, "shop.dev", on: $0) }
        try await server.withClient(token: tenants.tokens["viewer-user"]) { viewer in
            _ = try await RunTests.waitForRun(run.id, to: [.applied], on: viewer)
            var witnesses: [Components.Schemas.Witness] = []
            var size = 0
            try await waitFor("w1 to cosign the newest checkpoint", timeout: 90) {
                size = try await viewer.api.getAuditCheckpoint(path: .init(org: "acme")).ok.body.json.size
                witnesses = try await viewer.api.listWitnesses(path: .init(org: "acme")).ok.body.json.items
                return witnesses.first?.cosignedSize == size
            }
            #expect(witnesses.first?.lastError == nil)
        }
        let environment = ["DHARMA_SERVER": server.url, "DHARMA_TOKEN": tenants.tokens["viewer-user"] ?? "", "DHARMA_CA": server.ca, "DHARMA_ORG": "acme"]
        let verify = try await runDharmaStatus(
            ["audit", "verify", "--remote", "--witness", witness.keys[0], "--witness", witness.keys[1], "--quorum", "1"], environment: environment)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let lastLine = verify.stdout.split(separator: "\n").last { $0.hasPrefix("checkpoint #") }
        #expect(lastLine?.contains("final, cosigned by w1") == true, "\(verify.stdout)")

        // The protocol's refusals, straight at the witness.
        let checkpoint = try await server.withClient { try await $0.api.getAuditCheckpoint(path: .init(org: "acme")).ok.body.json }
        let stale = try await RawHTTP.post(witness.url + "/add-checkpoint", body: "old 0\n\n" + checkpoint.note)
        #expect(stale.status == 409 && stale.body == "\(checkpoint.size)\n" && stale.contentType == "text/x.tlog.size", "\(stale)")
        let unsigned = String(checkpoint.note.prefix { $0 != "—" })
        let forged = try await RawHTTP.post(witness.url + "/add-checkpoint", body: "old \(checkpoint.size)\n\n" + unsigned + "— w0 AAAA\n")
        #expect(forged.status == 403 || forged.status == 400, "\(forged)")
        let garbage = try await RawHTTP.post(witness.url + "/add-checkpoint", body: "new 5\n")
        #expect(garbage.status == 400)
    }
}

/// The type byte of encoded verifier keys.
enum NoteVerifierCheck {
    static func types(of keys: [String]) throws -> [UInt8] {
        try keys.map { key in
            guard let blob = key.split(separator: "+", maxSplits: 2).last.flatMap({ Data(base64Encoded: String($0)) }), let type = blob.first else {
                throw ServerTestError("`\(key.prefix(30))` is not a verifier key")
            }
            return type
        }
    }
}
