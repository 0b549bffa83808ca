import Crypto
import Foundation

/// SHA-256 in hex, for the plan and payload hashes entries carry.
public enum AuditHash {
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
