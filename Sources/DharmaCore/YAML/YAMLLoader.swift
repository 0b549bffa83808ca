import Foundation
import Yams

/// Reads a YAML file into a located `YNode` tree, turning every way a file can be wrong —
/// missing, a directory, binary, huge, malformed, too deep, an alias bomb — into diagnostics.
public struct YAMLLoader: Sendable {
    public var limits: InputLimits

    public init(limits: InputLimits = .standard) {
        self.limits = limits
    }

    public struct Loaded: Sendable {
        public var root: YNode?
        public var source: SourceText?
        public var diagnostics: [Diagnostic]
    }

    public func load(path: String) -> Loaded {
        let origin = SourceLocation(file: path, line: 1, column: 1)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return failure(.unreadableFile, "no such file: \(path)", at: nil, hint: "check the path; blueprints are YAML files such as examples/webapp.yaml")
        }
        if isDirectory.boolValue {
            return failure(
                .unreadableFile, "\(path) is a directory, not a blueprint file", at: nil,
                hint: "name a .yaml file inside it")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return failure(.unreadableFile, "cannot open \(path) for reading (permission denied?)", at: nil)
        }
        defer { try? handle.close() }
        let bytes: Data
        do {
            bytes = try handle.read(upToCount: limits.maxBytes + 1) ?? Data()
        } catch {
            return failure(.unreadableFile, "cannot read \(path): \(error.localizedDescription)", at: nil)
        }
        if bytes.count > limits.maxBytes {
            return failure(
                .tooLarge, "file is larger than \(limits.maxBytes >> 20) MiB; a blueprint this large is almost certainly not one",
                at: origin, hint: "split the stack into several blueprints")
        }
        return load(bytes: bytes, path: path)
    }

    public func load(text: String, path: String) -> Loaded {
        load(bytes: Data(text.utf8), path: path)
    }

    func load(bytes: Data, path: String) -> Loaded {
        if let nul = bytes.firstIndex(of: 0) {
            let location = Self.location(ofByte: nul - bytes.startIndex, in: bytes, file: path)
            return failure(.notText, "this is a binary file, not YAML text (NUL byte)", at: location)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = Self.firstInvalidUTF8(in: bytes)
            let location = Self.location(ofByte: offset, in: bytes, file: path)
            return failure(
                .notText, "the file is not valid UTF-8 text", at: location,
                hint: "save the blueprint as UTF-8")
        }
        let source = SourceText(path: path, text: text)
        var loaded = parse(text, path: path)
        loaded.source = source
        return loaded
    }

    private func parse(_ text: String, path: String) -> Loaded {
        let deepest = NestingScan.deepest(in: text, limit: 4 * limits.maxDepth)
        if deepest.depth > 4 * limits.maxDepth {
            let location = SourceLocation(file: path, line: deepest.line, column: deepest.column)
            return failure(.tooDeep, "nesting is deeper than the \(limits.maxDepth) levels a blueprint may use", at: location)
        }
        let composed: Result<Node?, YamlError>
        do {
            composed = .success(try Self.composeOnLargeStack(text))
        } catch let error as YamlError {
            composed = .failure(error)
        } catch {
            return failure(.yamlSyntax, "YAML error: \(error)", at: SourceLocation(file: path, line: 1, column: 1))
        }
        switch composed {
        case .failure(let error):
            let source = SourceText(path: path, text: text)
            var diagnostic = Self.diagnostic(for: error, path: path, source: source)
            diagnostic.hint = diagnostic.hint ?? Self.syntaxHint(for: diagnostic, in: source)
            return Loaded(root: nil, source: nil, diagnostics: [diagnostic])
        case .success(nil):
            return failure(
                .missingField, "the file is empty", at: SourceLocation(file: path, line: 1, column: 1),
                hint: "a blueprint starts with `apiVersion: dharma.dev/v3` and `kind: Blueprint`")
        case .success(let node?):
            var converter = NodeConverter(path: path, limits: limits)
            let root = converter.convert(node, depth: 0)
            return Loaded(
                root: converter.diagnostics.hasErrors ? nil : root, source: nil,
                diagnostics: converter.diagnostics)
        }
    }

    /// libyaml's composer in Yams recurses once per nesting level; give it a stack that the
    /// nesting scan has already bounded, independent of which thread the caller runs on.
    private static func composeOnLargeStack(_ text: String) throws -> Node? {
        final class Outcome: @unchecked Sendable {
            var result: Result<Node?, any Error> = .success(nil)
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            outcome.result = Result { try Yams.compose(yaml: text) }
            done.signal()
        }
        thread.stackSize = 64 << 20
        thread.start()
        done.wait()
        return try outcome.result.get()
    }

    /// The two YAML mistakes people make most in blueprints.
    static func syntaxHint(for diagnostic: Diagnostic, in source: SourceText) -> String? {
        guard let location = diagnostic.location, let line = source.line(location.line) else { return nil }
        if line.contains("\t") {
            return "indent with spaces; YAML does not allow tabs for indentation"
        }
        if line.contains("${"), line.contains("{"), diagnostic.message.contains("flow mapping") || diagnostic.message.contains("flow sequence") {
            return "inside `{…}` or `[…]`, quote expressions: \"${…}\""
        }
        return nil
    }

    private func failure(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?, hint: String? = nil) -> Loaded {
        Loaded(root: nil, source: nil, diagnostics: [Diagnostic(code: code, message: message, at: location, hint: hint)])
    }

    static func diagnostic(for error: YamlError, path: String, source: SourceText) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: path, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return Diagnostic(
                code: .yamlSyntax, message: "YAML syntax: \(problem)\(detail)", at: at(mark),
                hint: problem.contains("tab") ? "indent with spaces; YAML does not allow tabs for indentation" : nil)
        case .reader(let problem, let offset, _, _):
            return Diagnostic(
                code: .notText, message: "cannot read the text: \(problem)",
                at: SourceLocation(file: path, line: 1, column: (offset ?? 0) + 1))
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks the first occurrence of the first key; point at the one to remove.
            if let key = duplicates.first,
                let second = DuplicateKeyLocator.secondOccurrence(of: key, firstAt: context.mark.line, column: context.mark.column, in: source)
            {
                return Diagnostic(
                    code: .duplicateKey, message: "duplicate key `\(key)` in one map; it is first set at line \(context.mark.line)",
                    at: SourceLocation(file: path, line: second.line, column: second.column),
                    hint: "each key may appear once; remove this one or merge it into the first")
            }
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return Diagnostic(
                code: .duplicateKey, message: "duplicate key \(keys) in one map", at: at(context.mark),
                hint: "each key may appear once; merge the two entries")
        default:
            return Diagnostic(code: .yamlSyntax, message: "YAML error: \(error)", at: SourceLocation(file: path, line: 1, column: 1))
        }
    }

    static func firstInvalidUTF8(in bytes: Data) -> Int {
        var offset = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var consumed = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset = consumed
                consumed += UTF8.width(scalar)
            case .emptyInput: break loop
            case .error: return consumed
            }
        }
        return offset
    }

    static func location(ofByte offset: Int, in bytes: Data, file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
