import Foundation

/// Changes one scalar in a blueprint file where it is written, leaving every other byte —
/// comments, layout, quoting style — as it was. What the autopilot uses to move a pinned
/// `version`, so the blueprint stays the truth, and to put it back on rollback.
public struct BlueprintPatch: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int
    public var column: Int
    public var old: String
    public var new: String

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(file: String, line: Int, column: Int, old: String, new: String) {
        self.file = file
        self.line = line
        self.column = column
        self.old = old
        self.new = new
    }

    /// The patch that undoes this one.
    public var reversed: BlueprintPatch {
        BlueprintPatch(file: file, line: line, column: column, old: new, new: old)
    }

    /// Replaces the scalar at `line`:`column` when it still reads `old`; refuses otherwise (the
    /// file was edited since it was read).
    public func apply() throws(Failure) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw Failure(description: "cannot read \(file)") }
        var lines = text.components(separatedBy: "\n")
        guard line >= 1, line <= lines.count else { throw Failure(description: "\(file) has no line \(line) any more") }
        let content = Array(lines[line - 1])
        let start = column - 1
        guard start >= 0, start < content.count else { throw Failure(description: "\(file):\(line) is shorter than column \(column)") }
        let (end, written) = Self.scalar(in: content, from: start)
        guard written == old else {
            throw Failure(description: "\(file):\(line):\(column) reads `\(written)`, not `\(old)`: the blueprint was edited; not patching it")
        }
        let quote: String = content[start] == "\"" ? "\"" : content[start] == "'" ? "'" : (Self.needsQuotes(new) ? "\"" : "")
        lines[line - 1] = String(content[..<start]) + quote + new + quote + String(content[end...])
        let updated = lines.joined(separator: "\n")
        let temporary = file + ".dharma-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(updated.utf8)) else {
            throw Failure(description: "cannot write next to \(file)")
        }
        if let mode = (try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] {
            try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
        }
        guard rename(temporary, file) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot replace \(file): \(String(cString: strerror(errno)))")
        }
    }

    /// The scalar starting at `start`: where it ends, and its text without quotes.
    static func scalar(in content: [Character], from start: Int) -> (end: Int, text: String) {
        if content[start] == "\"" || content[start] == "'" {
            let quote = content[start]
            var index = start + 1
            while index < content.count, content[index] != quote { index += 1 }
            return (min(index + 1, content.count), String(content[(start + 1)..<min(index, content.count)]))
        }
        var index = start
        while index < content.count, !",]}".contains(content[index]), !(content[index] == "#" && index > start && content[index - 1] == " ") {
            index += 1
        }
        var end = index
        while end > start, content[end - 1] == " " { end -= 1 }
        return (end, String(content[start..<end]))
    }

    /// Versions such as `1.10` would read back as numbers without quotes.
    static func needsQuotes(_ value: String) -> Bool {
        Double(value) != nil || value.contains(": ") || value.contains(" #") || value.isEmpty
    }
}
