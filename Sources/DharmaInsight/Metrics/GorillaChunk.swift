/// A compressed block of one series' samples, as Facebook's Gorilla and Prometheus store them:
/// timestamps as delta-of-delta with variable-length prefixes, values XOR-ed with the previous
/// value and written as the changed bits only. Regular series cost about one to two bytes per
/// sample.
public struct GorillaChunk: Sendable, Hashable {
    public var bytes: [UInt8] { writer.bytes }
    public private(set) var count = 0
    public private(set) var firstTime: Int64 = 0
    public private(set) var lastTime: Int64 = 0

    private var writer = BitWriter()
    private var previousTime: Int64 = 0
    private var previousDelta: Int64 = 0
    private var previousValue: UInt64 = 0
    private var previousLeading = 64
    private var previousTrailing = 0

    public init() {}

    /// Appends a sample; timestamps (milliseconds) must not go backwards.
    public mutating func append(time: Int64, value: Double) {
        let bits = value.bitPattern
        if count == 0 {
            writer.write(UInt64(bitPattern: time), bits: 64)
            writer.write(bits, bits: 64)
            firstTime = time
        } else {
            let delta = time - previousTime
            let deltaOfDelta = delta - previousDelta
            switch deltaOfDelta {
            case 0: writer.write(0, bits: 1)
            case -63...64: writer.write(0b10, bits: 2); writer.write(UInt64(bitPattern: deltaOfDelta) & 0x7F, bits: 7)
            case -255...256: writer.write(0b110, bits: 3); writer.write(UInt64(bitPattern: deltaOfDelta) & 0x1FF, bits: 9)
            case -2047...2048: writer.write(0b1110, bits: 4); writer.write(UInt64(bitPattern: deltaOfDelta) & 0xFFF, bits: 12)
            default: writer.write(0b1111, bits: 4); writer.write(UInt64(bitPattern: deltaOfDelta), bits: 64)
            }
            previousDelta = delta
            let xor = bits ^ previousValue
            if xor == 0 {
                writer.write(0, bits: 1)
            } else {
                let leading = min(xor.leadingZeroBitCount, 31)
                let trailing = xor.trailingZeroBitCount
                if count > 1, leading >= previousLeading, trailing >= previousTrailing {
                    writer.write(0b10, bits: 2)
                    writer.write(xor >> UInt64(previousTrailing), bits: 64 - previousLeading - previousTrailing)
                } else {
                    let significant = 64 - leading - trailing
                    writer.write(0b11, bits: 2)
                    writer.write(UInt64(leading), bits: 5)
                    writer.write(UInt64(significant - 1), bits: 6)
                    writer.write(xor >> UInt64(trailing), bits: significant)
                    previousLeading = leading
                    previousTrailing = trailing
                }
            }
        }
        previousTime = time
        previousValue = bits
        lastTime = time
        count += 1
    }

    /// A chunk read back from storage; it can be appended to like a new one.
    public init(bytes: [UInt8], count: Int) {
        for sample in GorillaChunk.decode(bytes: bytes, count: count) { append(time: sample.time, value: sample.value) }
    }

    public var samples: [Sample] { Self.decode(bytes: bytes, count: count) }

    /// Decodes `count` samples; a damaged chunk yields the samples before the damage.
    public static func decode(bytes: [UInt8], count: Int) -> [Sample] {
        var reader = BitReader(bytes: bytes)
        var samples: [Sample] = []
        samples.reserveCapacity(count)
        guard count > 0, let firstTime = reader.read(64), let firstValue = reader.read(64) else { return [] }
        var time = Int64(bitPattern: firstTime)
        var value = firstValue
        var delta: Int64 = 0
        var leading = 0, trailing = 0
        samples.append(Sample(time: time, value: Double(bitPattern: value)))
        while samples.count < count {
            guard let deltaOfDelta = readDeltaOfDelta(&reader) else { break }
            delta += deltaOfDelta
            time += delta
            guard let control = reader.read(1) else { break }
            if control == 1 {
                guard let second = reader.read(1) else { break }
                if second == 1 {
                    guard let lead = reader.read(5), let length = reader.read(6) else { break }
                    leading = Int(lead)
                    let significant = Int(length) + 1
                    trailing = 64 - leading - significant
                    guard trailing >= 0, let bits = reader.read(significant) else { break }
                    value ^= bits << UInt64(trailing)
                } else {
                    let significant = 64 - leading - trailing
                    guard significant > 0, let bits = reader.read(significant) else { break }
                    value ^= bits << UInt64(trailing)
                }
            }
            samples.append(Sample(time: time, value: Double(bitPattern: value)))
        }
        return samples
    }

    static func readDeltaOfDelta(_ reader: inout BitReader) -> Int64? {
        func signed(_ raw: UInt64, bits: Int) -> Int64 {
            let shift = UInt64(64 - bits)
            return Int64(bitPattern: raw << shift) >> Int64(shift)
        }
        guard let a = reader.read(1) else { return nil }
        if a == 0 { return 0 }
        guard let b = reader.read(1) else { return nil }
        if b == 0 { return reader.read(7).map { signed($0, bits: 7) } }
        guard let c = reader.read(1) else { return nil }
        if c == 0 { return reader.read(9).map { signed($0, bits: 9) } }
        guard let d = reader.read(1) else { return nil }
        if d == 0 { return reader.read(12).map { signed($0, bits: 12) } }
        return reader.read(64).map { Int64(bitPattern: $0) }
    }
}

public struct Sample: Sendable, Hashable {
    /// Milliseconds since the Unix epoch.
    public var time: Int64
    public var value: Double

    public init(time: Int64, value: Double) {
        self.time = time
        self.value = value
    }
}

struct BitWriter: Sendable, Hashable {
    private(set) var bytes: [UInt8] = []
    private var used = 8

    mutating func write(_ value: UInt64, bits: Int) {
        var remaining = bits
        while remaining > 0 {
            if used == 8 { bytes.append(0); used = 0 }
            let take = min(8 - used, remaining)
            let chunk = UInt8(truncatingIfNeeded: (value >> UInt64(remaining - take)) & ((1 << UInt64(take)) - 1))
            bytes[bytes.count - 1] |= chunk << UInt8(8 - used - take)
            used += take
            remaining -= take
        }
    }
}

struct BitReader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func read(_ bits: Int) -> UInt64? {
        guard bits > 0, bits <= 64, position + bits <= bytes.count * 8 else { return bits == 0 ? 0 : nil }
        var value: UInt64 = 0
        var remaining = bits
        while remaining > 0 {
            let byte = bytes[position / 8]
            let offset = position % 8
            let take = min(8 - offset, remaining)
            let chunk = (UInt64(byte) >> UInt64(8 - offset - take)) & ((1 << UInt64(take)) - 1)
            value = (value << UInt64(take)) | chunk
            position += take
            remaining -= take
        }
        return value
    }
}
