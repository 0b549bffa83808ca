import DharmaCore
import Foundation
import Testing

@testable import DharmaProviders

/// Loop-mounted ext4 images: a real filesystem with a real quota (the runtime needs root, as CI is).
@Suite("Local provider: volumes", .serialized)
struct VolumeTests {
    let provider = LocalProvider()

    @Test("a volume is a mounted filesystem of its size; unmounted is drift, apply remounts it with its data; a new size is refused; delete unmounts")
    func lifecycle() async throws {
        let directory = temporaryDirectory()
        let ctx = context(directory)
        let resource = desired("data", "storage.volume", ["size": "1Gi"])
        let outputs = try await provider.apply(resource, prior: nil, context: ctx)
        let path = try #require(outputs["path"]?.stringValue)
        #expect(VolumeResource.isMounted(path))
        var info = statvfs()
        #expect(statvfs(path, &info) == 0)
        let total = Double(info.f_blocks) * Double(info.f_frsize)
        #expect(total > 0.9 * Double(1 << 30) && total <= Double(1 << 30), "\(total) bytes")
        try "kept".write(toFile: path + "/note", atomically: true, encoding: .utf8)

        let recorded = state(resource, outputs: outputs)
        #expect(try await provider.refresh(recorded, context: ctx).drift.isEmpty)
        // Someone unmounts it (retried: a process spawned elsewhere in this test run may hold an
        // inherited descriptor into it for a moment).
        var unmounted = false
        for _ in 0..<20 where !unmounted {
            unmounted = try await CommandRunner.run("/usr/bin/umount", [path]).succeeded
            if !unmounted { try await Task.sleep(for: .milliseconds(300)) }
        }
        #expect(unmounted)
        #expect(try await provider.refresh(recorded, context: ctx).drift.map(\.attribute) == ["mounted"])
        _ = try await provider.apply(resource, prior: recorded, context: ctx)
        #expect(try String(contentsOfFile: path + "/note", encoding: .utf8) == "kept")

        await #expect(throws: ProviderError.self) {
            _ = try await provider.apply(desired("data", "storage.volume", ["size": "2Gi"]), prior: recorded, context: ctx)
        }
        try await provider.delete(recorded, context: ctx)
        #expect(!VolumeResource.isMounted(path))
        #expect(!FileManager.default.fileExists(atPath: try #require(outputs["image"]?.stringValue)))
    }
}
