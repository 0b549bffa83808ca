/// A quick pass over raw YAML text that bounds how deeply it nests *before* the recursive
/// composer sees it, so a file of 100,000 `[` cannot exhaust the stack.
///
/// The estimate is conservative (it may overstate depth, never understate it) and skips the
/// bodies of block scalars (`|`, `>`), whose indentation is content, not structure.
struct NestingScan {
    struct Deepest {
        var depth = 0
        var line = 1
        var column = 1
    }

    /// The deepest point, or the first point deeper than `limit` (scanning stops there).
    static func deepest(in text: String, limit: Int = .max) -> Deepest {
        var deepest = Deepest()
        var flowDepth = 0
        var lineNumber = 0
        var blockScalarParentIndent: Int?
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(rawLine.unicodeScalars)
            let indent = scalars.prefix { $0 == " " }.count
            let isBlank = scalars.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
            if let parentIndent = blockScalarParentIndent {
                if isBlank || indent > parentIndent { continue }
                blockScalarParentIndent = nil
            }
            if isBlank { continue }
            // Sequence entries ("- - - x") each open a level without adding indentation.
            var column = indent
            var dashes = 0
            while column + 1 < scalars.count, scalars[column] == "-", scalars[column + 1] == " " {
                dashes += 1
                column += 2
                while column < scalars.count, scalars[column] == " " { column += 1 }
            }
            // One level per indentation column and per dash at most; a map may hold a sequence
            // at the same indentation, hence the extra dash weight and the +1.
            let blockDepth = indent + 2 * dashes + 1
            func note(_ depth: Int, at index: Int) {
                if depth > deepest.depth, deepest.depth <= limit { deepest = Deepest(depth: depth, line: lineNumber, column: index + 1) }
            }
            note(blockDepth + flowDepth, at: column)
            var quote: Unicode.Scalar?
            var previous: Unicode.Scalar = " "
            for index in column..<scalars.count {
                let scalar = scalars[index]
                if let open = quote {
                    if scalar == open { quote = nil }
                } else if scalar == "#" && (previous == " " || previous == "\t") {
                    break
                } else if (scalar == "\"" || scalar == "'") && " \t[{,:".unicodeScalars.contains(previous) {
                    quote = scalar
                } else if scalar == "[" || scalar == "{" {
                    flowDepth += 1
                    note(blockDepth + flowDepth, at: index)
                } else if scalar == "]" || scalar == "}" {
                    flowDepth = max(0, flowDepth - 1)
                }
                previous = scalar
            }
            if deepest.depth > limit { break }
            if quote == nil, opensBlockScalar(scalars) { blockScalarParentIndent = indent }
        }
        return deepest
    }

    /// Whether a line ends in a block scalar header: `|`, `>`, `|-`, `>+2` and so on.
    private static func opensBlockScalar(_ scalars: [Unicode.Scalar]) -> Bool {
        var end = scalars.count
        while end > 0, scalars[end - 1] == " " || scalars[end - 1] == "\r" { end -= 1 }
        var index = end - 1
        var indicators = 0
        while index >= 0, "-+0123456789".unicodeScalars.contains(scalars[index]), indicators < 2 {
            index -= 1
            indicators += 1
        }
        guard index >= 0, scalars[index] == "|" || scalars[index] == ">" else { return false }
        return index == 0 || scalars[index - 1] == " "
    }
}
