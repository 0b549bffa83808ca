import Foundation

/// A log checkpoint in the C2SP tlog-checkpoint form: origin, tree size and root hash, one per
/// line. It is the text that signed notes sign.
public struct Checkpoint: Sendable, Hashable, Codable {
    public var origin: String
    public var size: UInt64
    public var root: MerkleHash

    public init(origin: String, size: UInt64, root: MerkleHash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    public var body: String {
        "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n"
    }

    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses a checkpoint body; extension lines after the root are allowed and ignored.
    public init(body: String) throws(Malformed) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard body.hasSuffix("\n"), lines.count >= 4 else {
            throw Malformed(description: "a checkpoint has an origin, a size and a root hash, each on its own line")
        }
        guard !lines[0].isEmpty else { throw Malformed(description: "the checkpoint's origin line is empty") }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else {
            throw Malformed(description: "`\(lines[1])` is not a tree size")
        }
        guard let root = Data(base64Encoded: String(lines[2])), root.count == 32 else {
            throw Malformed(description: "`\(lines[2])` is not a base64 SHA-256 root hash")
        }
        self.init(origin: String(lines[0]), size: size, root: Array(root))
    }
}
