import DharmaCore
import DharmaTestKit
import Foundation
import Testing

@Suite("Blueprint patches")
struct BlueprintPatchTests {
    func file(_ text: String) throws -> String {
        let path = Scratch.path("dharma-patch", suffix: ".yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a scalar is replaced where it is written; quotes, comments and other lines stay; the reverse puts the value back, quoted once quoted")
    func replace() throws {
        let text = """
            web:
              version: "1.4.2"   # pinned
              flow: {version: 1.4.2, replicas: 2}
            """
        let path = try file(text)
        let quoted = BlueprintPatch(file: path, line: 2, column: 12, old: "1.4.2", new: "1.4.5")
        try quoted.apply()
        let flow = BlueprintPatch(file: path, line: 3, column: 19, old: "1.4.2", new: "1.10")
        try flow.apply()
        #expect(
            try String(contentsOfFile: path, encoding: .utf8) == """
                web:
                  version: "1.4.5"   # pinned
                  flow: {version: "1.10", replicas: 2}
                """)
        try flow.reversed.apply()
        try quoted.reversed.apply()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text.replacingOccurrences(of: "{version: 1.4.2", with: "{version: \"1.4.2\""))
    }

    @Test("a value edited since it was read is not overwritten")
    func refusesEditedValue() throws {
        let path = try file("version: 1.5.0\n")
        #expect(throws: BlueprintPatch.Failure.self) { try BlueprintPatch(file: path, line: 1, column: 10, old: "1.4.2", new: "1.4.5").apply() }
        #expect(throws: BlueprintPatch.Failure.self) { try BlueprintPatch(file: path, line: 9, column: 1, old: "1.4.2", new: "1.4.5").apply() }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "version: 1.5.0\n")
    }
}
