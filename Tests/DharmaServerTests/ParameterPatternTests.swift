import Foundation
import Testing

@testable import DharmaServer

/// The server checks path and query parameters against the spec's patterns with its own
/// matcher; it must answer exactly as a regular expression engine does.
@Suite("Server: parameter patterns")
struct ParameterPatternTests {
    /// Every parameter pattern in the served spec, and a few with each feature the matcher has.
    static var patterns: [String] {
        get throws {
            let spec = try SpecDocuments()
            let found = spec.yaml.components(separatedBy: "pattern: \"").dropFirst().compactMap { $0.components(separatedBy: "\"").first }
            return found.map { $0.replacingOccurrences(of: "\\\\", with: "\\") } + [
                "^a?b*c+$", "^[0-9]{3}$", "^x{2,}y$", "^[-a-c]{1,2}\\.[.]$", "^(ab|cd)$", "^\\d+$", "^[^a]$",
            ]
        }
    }

    @Test("every pattern accepts and refuses what NSRegularExpression does, on random strings and on strings it accepts and one edit from them")
    func agreesWithRegularExpressions() throws {
        let patterns = try Self.patterns
        #expect(patterns.count >= 15, "the spec's parameter patterns were found")
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefxyz019AZ_-.:/%é ")
        for source in patterns {
            let pattern = try #require(ParameterPattern(source), "\(source) compiles")
            let expression = try NSRegularExpression(pattern: source)
            var samples = ["", "a", "run-0123456789abcdef", "whk-0123456789abcdef", "acme.default", "web-1.prod", String(repeating: "a", count: 64)]
            for _ in 0..<2_000 {
                let length = Int.random(in: 0...30, using: &generator)
                samples.append(String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "a" }))
                // One the pattern should accept, then one edit away from it.
                guard let atoms = ParameterPattern.atoms(of: source) else { continue }
                var word = atoms.map { atom in
                    let members = (0..<128).map(UInt8.init).filter(atom.allows).map { Character(Unicode.Scalar($0)) }
                    let count = Int.random(in: atom.minimum...min(atom.maximum, atom.minimum + 4), using: &generator)
                    return String((0..<count).map { _ in members.randomElement(using: &generator) ?? "a" })
                }.joined()
                samples.append(word)
                let position = word.index(word.startIndex, offsetBy: Int.random(in: 0...word.count, using: &generator))
                switch Int.random(in: 0..<3, using: &generator) {
                case 0 where position < word.endIndex: word.remove(at: position)
                case 1 where position < word.endIndex: word.replaceSubrange(position...position, with: String(alphabet.randomElement(using: &generator) ?? "a"))
                default: word.insert(alphabet.randomElement(using: &generator) ?? "a", at: position)
                }
                samples.append(word)
            }
            for value in samples {
                let expected = expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
                #expect(pattern.matches(value) == expected, "\(source) on `\(value)`")
            }
        }
    }

    @Test("anchored literals and classes compile to the matcher; groups, escapes like \\d and negated classes do not")
    func compilesWhatItCan() {
        #expect(ParameterPattern.atoms(of: "^[a-z0-9][a-z0-9-]{0,62}\\.[a-z0-9][a-z0-9-]{0,62}$")?.count == 5)
        #expect(ParameterPattern.atoms(of: "^run-[0-9a-f]{16}$")?.count == 5)
        for richer in ["^(ab|cd)$", "^\\d+$", "^[^a]$", "a+", "^a{3,1}$"] { #expect(ParameterPattern.atoms(of: richer) == nil, "\(richer)") }
        #expect(ParameterPattern("^(unclosed$") == nil)
    }
}
