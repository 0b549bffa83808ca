import DharmaCore
import DharmaService
import Foundation
import Testing

@Suite("Service: secrets at rest")
struct SecretsAtRestServiceTests {
    let token = "tok-\(UUID().uuidString)"

    func stack() -> String {
        """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: vault, owner: team-a}
        target: {provider: local, region: local-1}
        variables:
          token: {type: string, sensitive: true}
        resources:
          api-token: {type: security.secret, properties: {path: api-token, value: "${var.token}"}}
        """
    }

    /// Every file under `directory`, searched for `needle`.
    func holders(of needle: String, under directory: String) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var found: [String] = []
        while let name = enumerator?.nextObject() as? String {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path), data.range(of: Data(needle.utf8)) != nil
            else { continue }
            found.append(name)
        }
        return found.sorted()
    }

    @Test("a saved plan and the state database hold no sensitive value in clear; a saved plan still applies; rotation re-seals")
    func noClearText() async throws {
        let workspace = try Workspace(stack())
        let planPath = workspace.directory + "/vault.plan"
        // The token comes from the command line (`--var token=…`), as a secret would.
        let input = BlueprintInput(path: workspace.blueprint, variables: ["token": token])
        let outcome = try await StackService().plan(.init(blueprint: input, saveTo: planPath))
        #expect(outcome.plan.sensitiveVariables == ["token"])
        #expect(try holders(of: token, under: workspace.directory) == [], "the plan file is sealed")

        let pending = try await StackService().prepareApply(.init(source: .savedPlan(path: planPath, state: nil)))
        #expect(try await StackService().apply(pending).ok)
        // The secret's own file holds it, as intended (mode 0600); nothing else does.
        #expect(try holders(of: token, under: workspace.directory) == ["api-token"])
        let shown = try await StateService().show("api-token", StackSelector(file: workspace.blueprint))
        #expect(shown.inputs["value"] == .string("(sensitive)"))

        let (resealed, _) = try await StateService().rotateSealingKey(StackSelector(file: workspace.blueprint), reason: "test")
        #expect(resealed == 2, "the resource row and its version")
        #expect(try holders(of: token, under: workspace.directory) == ["api-token"])
        #expect(try await StackService().plan(.init(blueprint: input)).plan.hasChanges == false, "read back after rotation")
        let entries = try await AuditService().log(StackSelector(file: workspace.blueprint), filter: .init())
        #expect(entries.last?.action == "sealing-key-rotate")
    }

    @Test("with the sealing key gone, commands say so and change nothing")
    func missingKey() async throws {
        let workspace = try Workspace(stack())
        let input = BlueprintInput(path: workspace.blueprint, variables: ["token": token])
        let pending = try await StackService().prepareApply(.init(source: .blueprint(input)))
        #expect(try await StackService().apply(pending).ok)
        try FileManager.default.removeItem(atPath: workspace.directory + "/.dharma/keys/sealing.key")
        await #expect { try await StackService().plan(.init(blueprint: input)) } throws: { error in
            "\(error)".contains("restore the key file from a backup")
        }
        await #expect { try await StateService().list(StackSelector(file: workspace.blueprint)) } throws: { error in
            "\(error)".contains("sealing.key is missing")
        }
    }

    @Test(
        "a sensitive variable interpolated into a property the catalog does not call sensitive is hidden in the plan and sealed at rest, and so is what reads it"
    )
    func derivedSecrets() async throws {
        let workspace = try Workspace(
            """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: derived, owner: team-a}
            target: {provider: local, region: local-1}
            variables:
              token: {type: string, sensitive: true}
            resources:
              config: {type: storage.file, properties: {path: config.env, content: "TOKEN=${var.token}"}}
              copy: {type: storage.file, properties: {path: copy.env, content: "${config.content}"}}
              plain: {type: storage.file, properties: {path: plain.txt, content: "${config.path}"}}
            """)
        let planPath = workspace.directory + "/derived.plan"
        let input = BlueprintInput(path: workspace.blueprint, variables: ["token": token])
        let outcome = try await StackService().plan(.init(blueprint: input, saveTo: planPath))
        let contents = Dictionary(
            outcome.plan.changes.compactMap { change in change.diff.first { $0.attribute == "content" }.map { (change.resource, $0.sensitive) } },
            uniquingKeysWith: { first, _ in first })
        #expect(contents == ["config": true, "copy": true, "plain": false], "what reads the secret is a secret; what reads a path is not")
        #expect(try holders(of: token, under: workspace.directory) == [], "the plan file is sealed")

        let pending = try await StackService().prepareApply(.init(source: .savedPlan(path: planPath, state: nil)))
        #expect(try await StackService().apply(pending).ok)
        #expect(try holders(of: token, under: workspace.directory) == ["config.env", "copy.env"], "only the files themselves hold it")
        let shown = try await StateService().show("copy", StackSelector(file: workspace.blueprint))
        #expect(shown.inputs["content"] == .string("(sensitive)"))
        #expect(try await StateService().show("plain", StackSelector(file: workspace.blueprint)).inputs["content"] != .string("(sensitive)"))
        #expect(try await StackService().plan(.init(blueprint: input)).plan.hasChanges == false, "sealed values read back unchanged")
    }
}
