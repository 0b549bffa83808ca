/// The protobuf wire format, as much of it as OTLP metrics need: read fields one by one
/// (varint, 64-bit, length-delimited, 32-bit) and skip the ones not asked for, so a sender's
/// newer fields never break a read. Malformed input is an error naming the offset, never a trap.
struct ProtobufReader {
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    /// The next field's number and wire type; nil at the end.
    mutating func next() throws(Malformed) -> (field: Int, wire: WireType)? {
        guard !bytes.isEmpty else { return nil }
        let key = try varint()
        guard let wire = WireType(rawValue: key & 7), key >> 3 > 0, key >> 3 < 1 << 29 else {
            throw Malformed(description: "field key \(key) at byte \(bytes.startIndex) is not a supported wire type")
        }
        return (Int(key >> 3), wire)
    }

    mutating func varint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = bytes.first {
            bytes = bytes.dropFirst()
            guard shift < 64 else { break }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw Malformed(description: "a varint runs past the end or past 64 bits at byte \(bytes.startIndex)")
    }

    mutating func fixed64() throws(Malformed) -> UInt64 {
        guard bytes.count >= 8 else { throw Malformed(description: "a 64-bit field runs past the end at byte \(bytes.startIndex)") }
        let value = bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        bytes = bytes.dropFirst(8)
        return value
    }

    mutating func lengthDelimited() throws(Malformed) -> ArraySlice<UInt8> {
        let length = try varint()
        guard length <= UInt64(bytes.count) else { throw Malformed(description: "a field of \(length) bytes runs past the end at byte \(bytes.startIndex)") }
        let value = bytes.prefix(Int(length))
        bytes = bytes.dropFirst(Int(length))
        return value
    }

    mutating func string() throws(Malformed) -> String {
        String(decoding: try lengthDelimited(), as: UTF8.self)
    }

    mutating func skip(_ wire: WireType) throws(Malformed) {
        switch wire {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .lengthDelimited: _ = try lengthDelimited()
        case .fixed32:
            guard bytes.count >= 4 else { throw Malformed(description: "a 32-bit field runs past the end at byte \(bytes.startIndex)") }
            bytes = bytes.dropFirst(4)
        }
    }

    /// Calls `visit` with each field of a message, which reads (or skips) its value.
    static func fields(_ bytes: ArraySlice<UInt8>, _ visit: (Int, WireType, inout ProtobufReader) throws -> Void) throws {
        var reader = ProtobufReader(bytes)
        while let (field, wire) = try reader.next() { try visit(field, wire, &reader) }
    }
}

/// Writes the few protobuf fields an OTLP answer has.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func field(_ number: Int, varint value: UInt64) {
        varint(UInt64(number) << 3 | ProtobufReader.WireType.varint.rawValue)
        varint(value)
    }

    mutating func field(_ number: Int, bytes value: [UInt8]) {
        varint(UInt64(number) << 3 | ProtobufReader.WireType.lengthDelimited.rawValue)
        varint(UInt64(value.count))
        bytes += value
    }
}
