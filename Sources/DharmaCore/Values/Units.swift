/// Parsing of the unit-bearing values blueprints use.
public enum Units {
    private static let sizeSuffixes: [(String, Int64)] = [
        ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40), ("Pi", 1 << 50),
        ("k", 1_000), ("K", 1_000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000),
    ]

    /// Bytes in `4Gi`, `512Mi`, `1.5G`, or a bare integer of bytes (Kubernetes quantities).
    public static func bytes(_ value: Value) -> Int64? {
        if let integer = value.intValue { return Int64(integer) }
        guard let text = value.stringValue else { return nil }
        for (suffix, multiplier) in sizeSuffixes where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0, number.isFinite,
                number * Double(multiplier) < 9e18
            else { return nil }
            return Int64(number * Double(multiplier))
        }
        return Int64(text)
    }

    private static let durationUnits: [(String, Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400), ("w", 604_800),
    ]

    /// Seconds in `30s`, `1h30m`, `500ms`, `4d`, or a bare number of seconds.
    public static func seconds(_ value: Value) -> Double? {
        if let number = value.doubleValue { return number >= 0 ? number : nil }
        guard let text = value.stringValue, !text.isEmpty else { return nil }
        var total = 0.0
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, let number = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isLetter }
            guard let multiplier = durationUnits.first(where: { $0.0 == unit })?.1 else { return nil }
            rest = rest.dropFirst(unit.count)
            total += number * multiplier
        }
        return total
    }

    /// `70%` → 70, or a bare number between 0 and 100.
    public static func percent(_ value: Value) -> Double? {
        if let number = value.doubleValue { return (0...100).contains(number) ? number : nil }
        guard let text = value.stringValue, text.hasSuffix("%"), let number = Double(text.dropLast()),
            (0...1000).contains(number)
        else { return nil }
        return number
    }

    /// Whether text is an IPv4 CIDR block such as `10.0.0.0/16`.
    public static func isCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), (0...32).contains(prefix) else { return false }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { Int($0).map { (0...255).contains($0) } ?? false }
    }
}
