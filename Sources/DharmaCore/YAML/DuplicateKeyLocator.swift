/// Where a key's second occurrence in a map is. libyaml (through Yams) reports a duplicate key at
/// its first occurrence; the one to remove is the later one, so the diagnostic points there and
/// names the first's line, as yamllint does.
enum DuplicateKeyLocator {
    /// The line and column of the next `key:` in the same map after the first occurrence at
    /// `line`:`column`: a later key at the same indentation in block style, or later on the
    /// same line in flow style. Nil when it cannot be told.
    static func secondOccurrence(of key: String, firstAt line: Int, column: Int, in source: SourceText) -> (line: Int, column: Int)? {
        guard let first = source.line(line) else { return nil }
        let spellings = [key, "\"\(key)\"", "'\(key)'"]
        // Flow style: the same line, after the first occurrence.
        let scalars = Array(first.unicodeScalars)
        var index = min(column, scalars.count)
        while index < scalars.count {
            if scalars[index - 1] == "," || scalars[index - 1] == "{" || scalars[index - 1] == " " {
                let rest = String(String.UnicodeScalarView(scalars[index...]))
                if let spelling = spellings.first(where: { rest.hasPrefix($0) }),
                    rest.dropFirst(spelling.count).drop(while: { $0 == " " }).first == ":"
                {
                    return (line, index + 1)
                }
            }
            index += 1
        }
        // Block style: a later line indented as the first, until the map ends.
        let indent = column - 1
        var number = line + 1
        while let text = source.line(number) {
            defer { number += 1 }
            let content = text.drop(while: { $0 == " " })
            let depth = text.count - content.count
            if content.isEmpty || content.hasPrefix("#") { continue }
            if depth < indent { return nil }
            guard depth == indent else { continue }
            if let spelling = spellings.first(where: { content.hasPrefix($0) }), content.dropFirst(spelling.count).drop(while: { $0 == " " }).first == ":" {
                return (number, depth + 1)
            }
        }
        return nil
    }
}
