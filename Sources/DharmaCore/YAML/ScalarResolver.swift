/// YAML 1.2 core-schema resolution of plain scalars: `null`, `true`, `42`, `0x1F`, `1.5e3` …
/// Quoted scalars never go through here; they are strings.
public enum ScalarResolver {
    public static func resolve(_ text: String) -> Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if let integer = integer(text) { return .int(integer) }
        if looksNumeric(text), let number = Double(text) { return .double(number) }
        return .string(text)
    }

    private static func integer(_ text: String) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(text)
    }

    /// `Double("infinity")` and `Double("nan")` parse in Swift; YAML wants them as strings.
    private static func looksNumeric(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { "0123456789+-.eE".unicodeScalars.contains($0) }
            && text.unicodeScalars.contains { ("0"..."9").contains($0) }
    }
}
