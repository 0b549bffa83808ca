import Crypto

/// A node hash of the log's Merkle tree. Usually 32 bytes (SHA-256), but verification accepts
/// whatever it is handed, so a malformed proof or root is rejected rather than trapped on.
public typealias MerkleHash = [UInt8]

/// RFC 6962 / RFC 9162 §2.1.1 hashing: domain-separated leaves and interior nodes, so a leaf
/// can never be passed off as a node or the other way round.
public enum MerkleHasher {
    /// `SHA-256("")`, the root of the empty tree.
    public static let emptyRoot: MerkleHash = Array(SHA256.hash(data: [UInt8]()))

    /// `SHA-256(0x00 || entry)`.
    public static func leaf(_ entry: some Sequence<UInt8>) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: Array(entry))
        return Array(hasher.finalize())
    }

    /// The leaf hash of text, hashing its UTF-8 in place when the string is contiguous.
    public static func leaf(_ text: String.UTF8View) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        if text.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            hasher.update(data: Array(text))
        }
        return Array(hasher.finalize())
    }

    /// `SHA-256(0x01 || left || right)`.
    public static func node(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        node(left[...], right[...])
    }

    static func node(_ left: ArraySlice<UInt8>, _ right: ArraySlice<UInt8>) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The split point of RFC 9162: the largest power of two strictly smaller than `size`
    /// (defined for `size >= 2`; smaller sizes have no split and give 0).
    static func split(_ size: UInt64) -> UInt64 {
        size < 2 ? 0 : UInt64(1) << (63 - (size - 1).leadingZeroBitCount)
    }
}

extension MerkleHash {
    public var hex: String {
        map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// Parses lowercase or uppercase hex; nil for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
