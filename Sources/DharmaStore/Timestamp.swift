import Foundation

/// Times in the state database are seconds since 1970; people read them as ISO 8601 UTC.
public enum Timestamp {
    public static func now() -> Double {
        Date().timeIntervalSince1970
    }

    public static func iso8601(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
