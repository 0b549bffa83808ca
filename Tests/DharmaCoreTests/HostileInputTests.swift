import DharmaCore
import DharmaTestKit
import Foundation
import Testing

/// Whatever the input, validation ends with a diagnostic, never a crash.
@Suite("Hostile input")
struct HostileInputTests {
    func write(_ bytes: [UInt8], name: String = "input.yaml") -> String {
        let path = temporaryDirectory() + "/" + name
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    @Test("a missing file and a directory get E001")
    func missingAndDirectory() {
        let missing = BlueprintLoader().load(path: "/nonexistent/blueprint.yaml")
        #expect(codes(missing) == ["E001"])
        #expect(missing.diagnostics[0].message == "no such file: /nonexistent/blueprint.yaml")
        let directory = BlueprintLoader().load(path: temporaryDirectory())
        #expect(codes(directory) == ["E001"])
        #expect(directory.diagnostics[0].message.hasSuffix("is a directory, not a blueprint file"))
    }

    @Test("random bytes and invalid UTF-8 are reported as not text, with the position")
    func binary() {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) } + [0]
        #expect(codes(BlueprintLoader().load(path: write(random))) == ["E002"])
        let invalid = BlueprintLoader().load(path: write(Array("name: ok\nvalue: ".utf8) + [0xC3, 0x28]))
        #expect(codes(invalid) == ["E002"])
        #expect(invalid.diagnostics[0].location?.line == 2)
    }

    @Test("a truncated blueprint is a YAML syntax error at the end")
    func truncated() throws {
        let text = try String(contentsOfFile: "\(TestPaths.repository)/examples/webapp.yaml", encoding: .utf8)
        let cut = String(text.prefix(text.count / 2)) + "\n  web: {type: [compute"
        let result = load(cut)
        #expect(codes(result) == ["E004"])
        #expect((result.diagnostics[0].location?.line ?? 0) > 10)
    }

    @Test("10,000-deep nesting is refused before it can exhaust the stack")
    func deepNesting() {
        let flow = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(codes(load("a: " + flow)) == ["E005"])
        var block = ""
        for depth in 0..<10_000 { block += String(repeating: " ", count: depth) + "k:\n" }
        #expect(codes(load(block)) == ["E005"])
        let sequences = String(repeating: "- ", count: 10_000) + "x\n"
        #expect(codes(load(sequences)) == ["E005"])
    }

    @Test("moderate nesting beyond the limit is caught exactly by the converter")
    func nestingJustOverLimit() {
        let flow = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        #expect(codes(load(header + "resources:\n  f: {type: storage.file, properties: {path: f, content: " + flow + "}}\n")) == ["E005"])
    }

    @Test("an alias bomb (billion laughs) stops at the expansion limit")
    func billionLaughs() {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let started = ContinuousClock.now
        let result = load(text)
        #expect(codes(result) == ["E006"])
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a 50 MB file is refused without reading it all")
    func huge() {
        let path = temporaryDirectory() + "/huge.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: UInt8(ascii: "a"), count: 50 << 20)))
        let result = BlueprintLoader().load(path: path)
        #expect(codes(result) == ["E003"])
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("empty files, lists and scalars at the top are clear errors")
    func wrongShapes() {
        #expect(codes(load("")) == ["E012"])
        #expect(codes(load("- a\n- b\n")) == ["E014"])
        #expect(codes(load("just text")) == ["E014"])
        #expect(codes(load("a: 1\n---\nb: 2\n")) == ["E004"])
    }

    @Test("fuzzed mutations of a valid blueprint never crash")
    func mutations() throws {
        let text = try String(contentsOfFile: "\(TestPaths.repository)/examples/webapp.yaml", encoding: .utf8)
        var scalars = Array(text.unicodeScalars)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("{}[]:,-&*!|>'\"#%@` \n\tx1$".unicodeScalars)
        for _ in 0..<300 {
            var mutated = scalars
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let index = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated[index] = alphabet.randomElement(using: &generator)!
                case 1: mutated.remove(at: index)
                default: mutated.insert(alphabet.randomElement(using: &generator)!, at: index)
                }
            }
            let result = load(String(String.UnicodeScalarView(mutated)))
            // Either it is still valid, or it says why.
            #expect(result.blueprint != nil || !result.diagnostics.isEmpty)
        }
        scalars.removeAll()
    }
}
