/// Text placed in SVG this server draws.
enum SVGText {
    /// Text for SVG: the markup characters escaped, as the page's templates escape theirs.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A number short enough for an axis label: 1234567 → 1.23M, 0.000123 → 1.23e-4.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = abs(value)
        switch magnitude {
        case 0: return "0"
        case 1e9...: return trimmed(value / 1e9) + "G"
        case 1e6..<1e9: return trimmed(value / 1e6) + "M"
        case 1e4..<1e6: return trimmed(value / 1e3) + "k"
        case 0.01..<1e4: return trimmed(value)
        default: return String(format: "%.2e", value)
        }
    }

    private static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
