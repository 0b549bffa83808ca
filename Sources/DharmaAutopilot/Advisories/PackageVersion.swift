/// A version as package ecosystems write them (`2.31.0`, `1.0.0-rc.1`, `4.2b3`), ordered the way
/// SemVer and PEP 440 agree on: numbers compare as numbers, a pre-release (`rc1`, `-beta`) comes
/// before its release, a longer release (`1.0.1`) after the shorter (`1.0`).
public struct PackageVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    enum Segment: Hashable {
        case number(Int)
        case text(String)
    }

    public let description: String
    let segments: [Segment]

    public init(_ text: String) {
        description = text
        var segments: [Segment] = []
        var current = ""
        var digits = false
        func flush() {
            guard !current.isEmpty else { return }
            segments.append(digits ? (Int(current).map(Segment.number) ?? .text(current)) : .text(current.lowercased()))
            current = ""
        }
        // Build metadata (`+build.5`) does not order versions.
        let core = text.split(separator: "+", maxSplits: 1).first.map(String.init) ?? text
        for character in core.drop(while: { $0 == "v" || $0 == "V" }) {
            if character == "." || character == "-" || character == "_" {
                flush()
                continue
            }
            let isDigit = character.isASCII && character.isNumber
            if !current.isEmpty && isDigit != digits { flush() }
            digits = isDigit
            current.append(character)
        }
        flush()
        self.segments = segments
    }

    /// The leading numbers: `2.31.0rc1` → [2, 31, 0].
    public var release: [Int] {
        var numbers: [Int] = []
        for segment in segments {
            guard case .number(let value) = segment else { break }
            numbers.append(value)
        }
        return numbers
    }

    /// A change of the third number only (`2.31.0` → `2.31.4`): what `heal: {patch: auto}` may apply.
    public func isPatchLevel(to other: PackageVersion) -> Bool {
        release.count >= 3 && other.release.count >= 3 && release.prefix(2) == other.release.prefix(2)
    }

    public static func < (lhs: PackageVersion, rhs: PackageVersion) -> Bool {
        compare(lhs.segments, rhs.segments) < 0
    }

    public static func == (lhs: PackageVersion, rhs: PackageVersion) -> Bool {
        compare(lhs.segments, rhs.segments) == 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(segments.reversed().drop { $0 == .number(0) }.count)
    }

    private static func compare(_ left: [Segment], _ right: [Segment]) -> Int {
        for index in 0..<max(left.count, right.count) {
            switch (index < left.count ? left[index] : nil, index < right.count ? right[index] : nil) {
            case (.number(let a), .number(let b)) where a != b: return a < b ? -1 : 1
            case (.text(let a), .text(let b)) where a != b: return a < b ? -1 : 1
            // A number against a pre-release tag: `1.0.1` after `1.0rc1`.
            case (.number, .text): return 1
            case (.text, .number): return -1
            // Missing parts: a missing number is 0; a trailing tag is a pre-release, so earlier.
            case (.number(let a), nil): if a != 0 { return 1 }
            case (nil, .number(let b)): if b != 0 { return -1 }
            case (.text, nil): return -1
            case (nil, .text): return 1
            default: continue
            }
        }
        return 0
    }
}
