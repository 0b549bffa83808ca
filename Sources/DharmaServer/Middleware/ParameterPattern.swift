import Foundation

/// A parameter's `pattern` from the spec, matched without ICU when it is what the spec's
/// parameter patterns are: anchored sequences of literals and ASCII character classes with
/// `{m,n}`, `{n}`, `?`, `*` or `+`. Anything else (groups, alternation) falls back to
/// `NSRegularExpression`. ICU's matcher was a tenth of a stack page's cost.
struct ParameterPattern: Sendable {
    /// One position of the pattern: a set of ASCII bytes, repeated `minimum...maximum` times.
    struct Atom: Sendable {
        var allowed: (low: UInt64, high: UInt64)
        var minimum: Int
        var maximum: Int

        func allows(_ byte: UInt8) -> Bool {
            byte < 64 ? allowed.low & (1 << UInt64(byte)) != 0 : byte < 128 && allowed.high & (1 << UInt64(byte - 64)) != 0
        }
    }

    private enum Compiled: Sendable {
        case atoms([Atom])
        case expression(NSRegularExpression)
    }

    let source: String
    private let compiled: Compiled

    /// Nil when `source` is not a valid regular expression at all.
    init?(_ source: String) {
        self.source = source
        if let atoms = Self.atoms(of: source) {
            compiled = .atoms(atoms)
        } else if let expression = try? NSRegularExpression(pattern: source) {
            compiled = .expression(expression)
        } else {
            return nil
        }
    }

    func matches(_ value: String) -> Bool {
        switch compiled {
        case .expression(let expression):
            return expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
        case .atoms(let atoms):
            // The positions the atoms so far can end at, advanced atom by atom: linear in the
            // value for each atom, so no input makes it backtrack.
            let bytes = Array(value.utf8)
            var reachable = [Bool](repeating: false, count: bytes.count + 1)
            reachable[0] = true
            for atom in atoms {
                var next = [Bool](repeating: false, count: bytes.count + 1)
                for start in 0...bytes.count where reachable[start] {
                    var end = start
                    while true {
                        if end - start >= atom.minimum { next[end] = true }
                        guard end - start < atom.maximum, end < bytes.count, atom.allows(bytes[end]) else { break }
                        end += 1
                    }
                }
                reachable = next
            }
            return reachable[bytes.count]
        }
    }

    /// The atoms of an anchored pattern of literals and classes; nil for anything richer.
    static func atoms(of pattern: String) -> [Atom]? {
        var characters = Array(pattern.unicodeScalars)
        guard characters.first == "^", characters.last == "$", characters.count >= 2 else { return nil }
        characters = Array(characters[1..<(characters.count - 1)])
        var atoms: [Atom] = []
        var index = 0
        func set(_ bytes: [UInt8]) -> (low: UInt64, high: UInt64) {
            bytes.reduce((UInt64(0), UInt64(0))) { set, byte in
                byte < 64 ? (set.0 | 1 << UInt64(byte), set.1) : (set.0, set.1 | 1 << UInt64(byte - 64))
            }
        }
        while index < characters.count {
            var members: [UInt8] = []
            switch characters[index] {
            case "[":
                index += 1
                guard index < characters.count, characters[index] != "^" else { return nil }
                while index < characters.count, characters[index] != "]" {
                    guard let low = literal(characters, &index, inClass: true) else { return nil }
                    var high = low
                    if index + 1 < characters.count, characters[index] == "-", characters[index + 1] != "]" {
                        index += 1
                        guard let end = literal(characters, &index, inClass: true), end >= low else { return nil }
                        high = end
                    }
                    members += Array(low...high)
                }
                guard index < characters.count else { return nil }
                index += 1
            default:
                guard let byte = literal(characters, &index, inClass: false) else { return nil }
                members = [byte]
            }
            var atom = Atom(allowed: set(members), minimum: 1, maximum: 1)
            if index < characters.count {
                switch characters[index] {
                case "?": (atom.minimum, atom.maximum, index) = (0, 1, index + 1)
                case "*": (atom.minimum, atom.maximum, index) = (0, Int.max, index + 1)
                case "+": (atom.minimum, atom.maximum, index) = (1, Int.max, index + 1)
                case "{":
                    guard let close = characters[index...].firstIndex(of: "}") else { return nil }
                    let bounds = String(String.UnicodeScalarView(characters[(index + 1)..<close])).split(separator: ",", omittingEmptySubsequences: false)
                    guard let minimum = bounds.first.flatMap({ Int($0) }), bounds.count <= 2 else { return nil }
                    let maximum = bounds.count == 2 ? Int(bounds[1]) : minimum
                    guard let maximum, maximum >= minimum else { return nil }
                    (atom.minimum, atom.maximum, index) = (minimum, maximum, close + 1)
                default: break
                }
            }
            atoms.append(atom)
        }
        return atoms
    }

    /// One literal ASCII byte at `index` (`\.` and the like escaped), advancing past it; nil
    /// for a metacharacter (inside a class, only `[`, `]` and `\` are) or anything outside ASCII.
    private static func literal(_ characters: [Unicode.Scalar], _ index: inout Int, inClass: Bool) -> UInt8? {
        var character = characters[index]
        if character == "\\" {
            guard index + 1 < characters.count, !characters[index + 1].properties.isAlphabetic, !("0"..."9").contains(characters[index + 1]) else { return nil }
            index += 1
            character = characters[index]
        } else if (inClass ? "[]" : "()|.^$*+?{}[]").unicodeScalars.contains(character) {
            return nil
        }
        index += 1
        return character.isASCII ? UInt8(character.value) : nil
    }
}
