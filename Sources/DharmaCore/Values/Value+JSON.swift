import Foundation

extension Value {
    /// Pretty, key-sorted JSON text, for `--json` output.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Key-sorted JSON on one line, for request bodies.
    public var compactJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

extension Diagnostic {
    /// `{"severity","code","message","file","line","column","hint"}`.
    public var jsonValue: Value {
        .map([
            "severity": .string(severity.rawValue), "code": .string(code), "message": .string(message),
            "file": location.map { .string($0.file) } ?? .null,
            "line": location.map { .int($0.line) } ?? .null,
            "column": location.map { .int($0.column) } ?? .null,
            "hint": hint.map(Value.string) ?? .null,
        ])
    }
}
