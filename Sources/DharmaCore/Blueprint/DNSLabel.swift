/// RFC 1123 labels: `[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?`, the names of stacks and resources.
public enum DNSLabel {
    public static func isValid(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (1...63).contains(scalars.count) else { return false }
        func alnum(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("0"..."9").contains(s) }
        guard let first = scalars.first, let last = scalars.last, alnum(first), alnum(last) else { return false }
        return scalars.allSatisfy { alnum($0) || $0 == "-" }
    }

    /// Why a name is not a label, phrased for a person.
    public static func problem(with text: String) -> String {
        if text.isEmpty { return "is empty" }
        if text.unicodeScalars.count > 63 { return "is longer than 63 characters" }
        if text.lowercased() != text { return "has upper-case letters" }
        if text.hasPrefix("-") || text.hasSuffix("-") { return "starts or ends with `-`" }
        return "may only hold lower-case letters, digits and `-`"
    }

    /// A valid label close to `text`, to suggest.
    public static func suggestion(for text: String) -> String? {
        let mapped = text.lowercased().unicodeScalars.map { s -> Character in
            (("a"..."z").contains(s) || ("0"..."9").contains(s)) ? Character(s) : "-"
        }
        var candidate = String(mapped)
        while candidate.hasPrefix("-") { candidate.removeFirst() }
        while candidate.hasSuffix("-") { candidate.removeLast() }
        candidate = String(candidate.prefix(63))
        return isValid(candidate) ? candidate : nil
    }
}
