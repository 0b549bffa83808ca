import DharmaCore
import DharmaTestKit
import DharmaTestSupport
import Foundation
import Testing

@testable import DharmaProviders

func temporaryDirectory() -> String {
    Scratch.directory("dharma-provider")
}

func context(_ directory: String, stack: String = "t") -> ProviderContext {
    // Proxied services run the freshly built `dharma` as their proxy.
    setenv("DHARMA_EXECUTABLE", TestPaths.dharma, 1)
    return ProviderContext(stack: StackID(name: stack, environment: "default"), baseDirectory: directory, stateDirectory: directory + "/.dharma")
}

func desired(_ name: String, _ type: String, _ inputs: [String: Value]) -> DesiredResource {
    DesiredResource(
        name: name, type: type, provider: .local, region: "local-1", inputs: inputs, dependencies: [],
        lifecycle: Lifecycle(), tags: [:])
}

func state(_ resource: DesiredResource, outputs: [String: Value]) -> ResourceState {
    ResourceState(
        name: resource.name, type: resource.type, provider: .local, region: "local-1", inputs: resource.inputs,
        outputs: outputs, dependencies: [], lifecycle: Lifecycle())
}

@Suite("Local provider: files, secrets, buckets")
struct LocalFileTests {
    let provider = LocalProvider()

    @Test("a file is written with content and mode; edits and chmod are drift; delete removes it")
    func file() async throws {
        let directory = temporaryDirectory()
        let resource = desired("db", "storage.file", ["path": "data/db.json", "content": "{}", "mode": "0640"])
        let outputs = try await provider.apply(resource, prior: nil, context: context(directory))
        let path = directory + "/data/db.json"
        #expect(outputs["path"] == .string(path))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{}")
        #expect(LocalPaths.currentMode(path) == 0o640)
        let recorded = state(resource, outputs: outputs)
        #expect(try await provider.refresh(recorded, context: context(directory)) == Observation(exists: true))

        try "{\"hacked\": true}".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o666)
        let drift = try await provider.refresh(recorded, context: context(directory)).drift
        #expect(drift.map(\.attribute) == ["content", "mode"])
        #expect(drift[1].old == "0640" && drift[1].new == "0666")

        _ = try await provider.apply(resource, prior: recorded, context: context(directory))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{}")
        #expect(try await provider.refresh(recorded, context: context(directory)).drift.isEmpty)

        try await provider.delete(recorded, context: context(directory))
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try await provider.refresh(recorded, context: context(directory)) == .missing)
        try await provider.delete(recorded, context: context(directory))  // idempotent
    }

    @Test("a secret is 0600, generated once and kept, never in outputs")
    func secret() async throws {
        let directory = temporaryDirectory()
        let resource = desired("key", "security.secret", ["path": "key", "length": 24])
        let outputs = try await provider.apply(resource, prior: nil, context: context(directory))
        let value = try String(contentsOfFile: directory + "/key", encoding: .utf8)
        #expect(value.count == 24)
        #expect(LocalPaths.currentMode(directory + "/key") == 0o600)
        #expect(!outputs.values.contains(.string(value)))
        let recorded = state(resource, outputs: outputs)
        _ = try await provider.apply(resource, prior: recorded, context: context(directory))
        #expect(try String(contentsOfFile: directory + "/key", encoding: .utf8) == value)
        try "leaked".write(toFile: directory + "/key", atomically: false, encoding: .utf8)
        let drift = try await provider.refresh(recorded, context: context(directory)).drift
        #expect(drift.first?.attribute == "value" && drift.first?.sensitive == true)
    }

    @Test("a bucket is a directory; a missing directory is missing; non-empty buckets are not deleted")
    func bucket() async throws {
        let directory = temporaryDirectory()
        let resource = desired("assets", "storage.bucket", ["path": "assets"])
        let recorded = state(resource, outputs: try await provider.apply(resource, prior: nil, context: context(directory)))
        #expect(LocalPaths.isDirectory(directory + "/assets"))
        #expect(FileManager.default.createFile(atPath: directory + "/assets/a.txt", contents: Data("a".utf8)))
        await #expect(throws: ProviderError.self) { try await provider.delete(recorded, context: context(directory)) }
        try FileManager.default.removeItem(atPath: directory + "/assets/a.txt")
        try await provider.delete(recorded, context: context(directory))
        #expect(try await provider.refresh(recorded, context: context(directory)) == .missing)
    }

    @Test("plan-only providers refuse to apply and say why")
    func planOnly() {
        guard case .unavailable(let why) = PlanOnlyProvider(.aws).applyAvailability(for: "compute.vm") else {
            Issue.record("aws claimed it can apply")
            return
        }
        #expect(why.contains("not implemented"))
    }
}
