/// Reads single fields out of an entry's canonical JSON without decoding the whole entry:
/// verification and filtering look at every entry of logs a million long.
///
/// In canonical JSON a quote inside a string value is always escaped, so `"actor":"` can only
/// be the key itself.
enum AuditBodyFields {
    /// The string value of `key`, unescaped; nil when the key is absent or not a string.
    static func string(_ key: String, in body: String) -> String? {
        let bytes = Array(body.utf8)
        let needle = Array("\"\(key)\":\"".utf8)
        guard let start = find(needle, in: bytes) else { return nil }
        var output: [UInt8] = []
        var index = start + needle.count
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return String(decoding: output, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { return nil }
            switch bytes[index + 1] {
            case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): output.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard index + 5 < bytes.count, let unit = UInt16(String(decoding: bytes[(index + 2)...(index + 5)], as: UTF8.self), radix: 16) else {
                    return nil
                }
                var units = [unit]
                // A surrogate pair is two escapes in a row.
                if (0xD800..<0xDC00).contains(unit), index + 11 < bytes.count, bytes[index + 6] == UInt8(ascii: "\\"), bytes[index + 7] == UInt8(ascii: "u"),
                    let low = UInt16(String(decoding: bytes[(index + 8)...(index + 11)], as: UTF8.self), radix: 16)
                {
                    units.append(low)
                    index += 6
                }
                output += Array(String(decoding: units, as: UTF16.self).utf8)
                index += 4
            default:
                return nil
            }
            index += 2
        }
        return nil
    }

    /// The entry's `time` (ISO 8601 UTC, `2026-12-06T07:00:00Z`) as seconds since 1970.
    static func time(in body: String) -> Double? {
        guard let text = string("time", in: body) else { return nil }
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        guard parts.count == 6, text.hasSuffix("Z") else { return nil }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        // Days from the civil date (Howard Hinnant's algorithm).
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Double(days * 86_400 + parts[3] * 3600 + parts[4] * 60 + parts[5])
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard needle.count <= bytes.count, let first = needle.first else { return nil }
        var start = 0
        while start + needle.count <= bytes.count {
            if bytes[start] == first, bytes[start..<(start + needle.count)].elementsEqual(needle) { return start }
            start += 1
        }
        return nil
    }
}
