import Crypto
import DharmaCore
import Foundation

/// SHA-256 of file content, as recorded in state and compared on refresh.
enum ContentHash {
    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    static func sha256(ofFile path: String) -> String? {
        FileManager.default.contents(atPath: path).map(sha256)
    }

    /// The short form plans print: `sha256:1f2e3d4c…`.
    static func short(_ hash: String) -> Value {
        .string("sha256:" + hash.prefix(12) + "…")
    }
}
