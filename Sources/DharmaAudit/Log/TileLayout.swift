import DharmaStore
import Foundation

/// The C2SP tlog-tiles view of a log: hash tiles of 256 nodes at every eighth level of the
/// tree (`tile/L/N`, partial ones `tile/L/N.p/W`) and entry bundles (`tile/entries/N`), N
/// written in three-digit groups (`x001/x234/067`). Anyone can rebuild every root and proof
/// from them, with the same code as for any other tiled log.
public enum TileLayout {
    public static let width = 256

    public enum Request: Sendable, Equatable {
        /// Nodes `index·256 ..< index·256 + width` of tree level `8·level`.
        case hashes(level: Int, index: UInt64, width: Int)
        /// Entries `index·256 ..< index·256 + width`.
        case entries(index: UInt64, width: Int)
    }

    /// Parses the path after `tile/`, e.g. `0/x001/234.p/7` or `entries/005`; nil if it is not
    /// a tile path in canonical form.
    public static func parse(_ components: [Substring]) -> Request? {
        guard let first = components.first, components.count >= 2 else { return nil }
        var rest = Array(components.dropFirst())
        var width = Self.width
        if rest.count >= 2, let last = rest.last, let partial = rest[rest.count - 2].range(of: ".p") {
            // `…/NNN.p/W`: the last index group carries `.p`, and W follows.
            guard rest[rest.count - 2][partial.upperBound...].isEmpty, let w = Int(last), (1..<Self.width).contains(w), String(w) == last else {
                return nil
            }
            width = w
            rest[rest.count - 2] = rest[rest.count - 2][..<partial.lowerBound]
            rest.removeLast()
        }
        guard let index = self.index(rest) else { return nil }
        if first == "entries" { return .entries(index: index, width: width) }
        guard let level = Int(first), (0...7).contains(level), String(level) == first else { return nil }
        return .hashes(level: level, index: index, width: width)
    }

    /// `x001/x234/067` → 1234067; every group three digits, all but the last prefixed `x`.
    static func index(_ groups: [Substring]) -> UInt64? {
        guard !groups.isEmpty, groups.count <= 7 else { return nil }
        var value: UInt64 = 0
        for (position, group) in groups.enumerated() {
            var digits = group
            if position < groups.count - 1 {
                guard digits.first == "x" else { return nil }
                digits = digits.dropFirst()
            }
            guard digits.count == 3, digits.allSatisfy(\.isASCII), let number = UInt64(digits), digits.allSatisfy(\.isNumber) else { return nil }
            value = value * 1000 + number
        }
        return value
    }

    /// The path of tile `index` at `level` (or of entries), as a client asks for it.
    public static func path(level: Int?, index: UInt64, width: Int = width) -> String {
        var groups: [String] = []
        var rest = index
        repeat {
            groups.insert(String(format: "%03d", Int(rest % 1000)), at: 0)
            rest /= 1000
        } while rest > 0
        let number = groups.enumerated().map { $0.offset < groups.count - 1 ? "x" + $0.element : $0.element }.joined(separator: "/")
        return "tile/" + (level.map(String.init) ?? "entries") + "/" + number + (width < Self.width ? ".p/\(width)" : "")
    }
}

extension AuditLog {
    /// A tile of the tree of `size` leaves: its hashes back to back, or its entries each
    /// prefixed with a big-endian 16-bit length. Nil when the tree has no such tile: a full one
    /// not complete yet, or a partial one of another width than the tree has.
    public func tile(_ request: TileLayout.Request, size: UInt64) async throws -> Data? {
        switch request {
        case .hashes(let level, let index, let width):
            let treeLevel = level * 8
            let available = size >> UInt64(treeLevel)
            guard Self.fits(index: index, width: width, available: available) else { return nil }
            let first = index * UInt64(TileLayout.width)
            let wanted = (0..<UInt64(width)).map { AuditNode.Coordinate(level: treeLevel, index: first + $0) }
            let found = try await store.auditNodes(wanted)
            var data = Data(capacity: width * 32)
            for coordinate in wanted {
                guard let hash = found[coordinate] else { throw AuditError("node \(coordinate.level)/\(coordinate.index) of a complete subtree is not stored") }
                data.append(contentsOf: hash)
            }
            return data
        case .entries(let index, let width):
            guard Self.fits(index: index, width: width, available: size) else { return nil }
            let first = index * UInt64(TileLayout.width)
            var data = Data()
            for record in try await store.auditEntries(from: first, to: first + UInt64(width)) {
                let body = Array(record.body.utf8)
                guard body.count <= Int(UInt16.max) else { throw AuditError("entry \(record.seq) is longer than an entry bundle allows") }
                data.append(contentsOf: [UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body)
            }
            return data
        }
    }

    /// A full tile needs 256 nodes from its start; a partial one exactly the rest of the level.
    static func fits(index: UInt64, width: Int, available: UInt64) -> Bool {
        let start = index * UInt64(TileLayout.width)
        guard start < available else { return false }
        let left = available - start
        return width == TileLayout.width ? left >= UInt64(TileLayout.width) : left == UInt64(width)
    }
}
