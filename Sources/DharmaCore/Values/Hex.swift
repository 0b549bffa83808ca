extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte. Written out by hand: `String(format:)` per byte was a
    /// measurable share of authenticating every API request.
    public var hexEncoded: String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
