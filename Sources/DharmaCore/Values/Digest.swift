/// FNV-1a, 64 bit: a fast, stable, non-cryptographic digest for change detection (plan
/// staleness, blueprint identity). Tamper evidence is the audit log's job, with SHA-256.
public enum Digest {
    public static func fnv1a64Hex(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
