/// Renders diagnostics the way compilers do:
///
///     web.yaml:12:7: error[E017]: property `replica` is not part of compute.service
///        12 |       replica: 2
///           |       ^
///       hint: did you mean `replicas`?
public struct DiagnosticRenderer: Sendable {
    public var sources: [String: SourceText]
    public var colour: Bool

    public init(sources: [String: SourceText], colour: Bool = false) {
        self.sources = sources
        self.colour = colour
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        let label = diagnostic.severity == .error ? paint("error", "31;1") : paint("warning", "33;1")
        var out = ""
        if let location = diagnostic.location {
            out += "\(location): "
        }
        out += "\(label)[\(diagnostic.code)]: \(diagnostic.message)\n"
        if let location = diagnostic.location, let source = sources[location.file],
            let line = source.line(location.line)
        {
            let number = String(location.line)
            let gutter = String(repeating: " ", count: number.count)
            let visible = String(line.unicodeScalars.prefix(240))
            let caretOffset = max(0, min(location.column - 1, visible.unicodeScalars.count))
            let padding = String(visible.unicodeScalars.prefix(caretOffset).map { $0 == "\t" ? "\t" : " " })
            out += " \(number) | \(visible)\n"
            out += " \(gutter) | \(padding)\(paint("^", "32;1"))\n"
        }
        if let hint = diagnostic.hint {
            out += "  \(paint("hint", "36")): \(hint)\n"
        }
        return out
    }

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
