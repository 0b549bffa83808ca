import DharmaAPI
import DharmaAudit
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

/// The organisation's log in the C2SP tlog-tiles layout: a client rebuilds the checkpoint's
/// root from the level-0 tiles, checks the entry bundles against them, and the level-1 tile
/// against the first 256 leaves.
@Suite("Server: tlog-tiles", .serialized)
struct TileTests {
    @Test("the tile paths are C2SP's: three-digit groups, x-prefixed, .p/W for partial tiles; anything else is no tile")
    func paths() {
        #expect(TileLayout.path(level: 0, index: 1_234_067) == "tile/0/x001/x234/067")
        #expect(TileLayout.path(level: nil, index: 5, width: 7) == "tile/entries/005.p/7")
        #expect(TileLayout.parse(["0", "x001", "x234", "067"]) == .hashes(level: 0, index: 1_234_067, width: 256))
        #expect(TileLayout.parse(["entries", "005.p", "7"]) == .entries(index: 5, width: 7))
        for bad in [["0", "1"], ["0", "x001"], ["0", "001", "002"], ["9", "000"], ["0", "000.p", "256"], ["0", "000.p", "07"]] {
            #expect(TileLayout.parse(bad.map { Substring($0) }) == nil, "\(bad)")
        }
    }

    @Test(
        "a member rebuilds the checkpoint's root from the level-0 tiles; entry bundles hash to those leaves; the level-1 tile is the first 256 leaves' root; an outsider gets 404"
    )
    func rebuildsTheRoot() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        // Past 256 entries, so there is a full level-0 tile and a level-1 tile.
        try await server.withClient(token: tenants.tokens["admin-user"]) { admin in
            for round in 0..<260 {
                _ = try await admin.api.setMember(
                    path: .init(org: "acme", user: "viewer-user"), body: .json(.init(role: round % 2 == 0 ? "approver" : "viewer"))
                ).ok
            }
        }
        let token = tenants.tokens["viewer-user"]
        let base = server.url + "/v1/orgs/acme/audit/tlog/"
        let note = try await RawHTTP.send(.GET, base + "checkpoint", ca: server.ca, token: token)
        #expect(note.status == 200)
        let checkpoint = try Checkpoint(body: try SignedNote(parsing: note.body).text)
        #expect(checkpoint.size > 256)

        func tile(_ level: Int?, _ index: UInt64, width: Int) async throws -> (status: Int, data: Data, cache: String?) {
            let answer = try await RawHTTP.sendData(.GET, base + TileLayout.path(level: level, index: index, width: width), ca: server.ca, token: token)
            return (answer.status, answer.body, answer.headers["cache-control"])
        }
        var leaves: [MerkleHash] = []
        var entries: [Data] = []
        var index: UInt64 = 0
        while UInt64(leaves.count) < checkpoint.size {
            let width = Int(min(256, checkpoint.size - UInt64(leaves.count)))
            let hashes = try await tile(0, index, width: width)
            #expect(hashes.status == 200 && hashes.data.count == width * 32)
            #expect(hashes.cache?.contains(width == 256 ? "immutable" : "no-cache") == true)
            leaves += stride(from: 0, to: hashes.data.count, by: 32).map { Array(hashes.data[$0..<$0 + 32]) }
            var bundle = try await tile(nil, index, width: width).data
            while bundle.count >= 2 {
                let length = Int(bundle[bundle.startIndex]) << 8 | Int(bundle[bundle.startIndex + 1])
                entries.append(bundle.dropFirst(2).prefix(length))
                bundle = bundle.dropFirst(2 + length)
            }
            index += 1
        }
        let tree = MerkleTree(InMemoryMerkleNodes(leafHashes: leaves))
        #expect(try tree.root(size: checkpoint.size) == checkpoint.root, "the tiles rebuild the signed root")
        #expect(entries.count == leaves.count && zip(entries, leaves).allSatisfy { MerkleHasher.leaf(Array($0)) == $1 })
        let levelOne = try await tile(1, 0, width: Int(checkpoint.size >> 8))
        #expect(levelOne.status == 200 && Array(levelOne.data) == (try tree.nodes.node(level: 8, index: 0)))

        #expect(try await tile(0, 0, width: 255).status == 404, "a partial tile of another width than the tree has")
        let outsider = try await RawHTTP.send(.GET, base + "checkpoint", ca: server.ca, token: tenants.tokens["outsider"])
        #expect(outsider.status == 404)
        #expect(try await RawHTTP.send(.GET, base + "tile/0/000", ca: server.ca, token: nil).status == 401)
    }
}
