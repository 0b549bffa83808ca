import Foundation
import Testing

@testable import DharmaNet

@Suite("Port allocation")
struct PortAllocatorTests {
    @Test("a picked port is claimed machine-wide until the claim is stale, so picks do not repeat while programs start")
    func claims() throws {
        let directory = try #require(PortAllocator.claimDirectory)
        let port = try #require(PortAllocator.freePort())
        #expect(!PortAllocator.claim(port), "a second process is refused the port just handed out")

        let old = Date().addingTimeInterval(-(PortAllocator.claimLifetime + 10))
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: "\(directory)/\(port)")
        #expect(PortAllocator.claim(port), "a claim older than its lifetime is taken over")
        #expect(!PortAllocator.claim(port))

        // The kernel alone repeats a port within 400 picks almost always (about 14,000 to
        // choose from); claimed picks never do.
        let picks = (0..<400).compactMap { _ in PortAllocator.freePort() }
        #expect(picks.count == 400 && Set(picks).count == 400)
        #expect(!picks.contains(port))
    }
}
