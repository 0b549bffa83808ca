import Foundation
import Hummingbird

/// A submitted HTML form (`application/x-www-form-urlencoded`), read up to 64 KiB.
struct ConsoleForm: Sendable {
    static let limit = 64 << 10
    private(set) var fields: [String: String] = [:]

    init(fields: [String: String] = [:]) {
        self.fields = fields
    }

    /// A form larger than the limit is 413, as an API body over its limit is.
    init(_ request: Request) async throws {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.limit)
        } catch {
            throw HTTPError(.contentTooLarge, message: "a console form has at most \(Self.limit) bytes")
        }
        self.init(encoded: String(buffer: buffer))
    }

    init(encoded text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first.flatMap({ Self.decode($0) }), !name.isEmpty else { continue }
            fields[name] = parts.count == 2 ? Self.decode(parts[1]) ?? "" : ""
        }
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// `+` is a space in forms; the rest is percent-encoding.
    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
