import DharmaProviders
import Foundation

/// The index a slow query lacks, read from its generic plan: a sequential scan whose filter
/// compares columns of the scanned table with parameters. Equality columns come first, the
/// most selective first (from pg_stats), then one range column — the usual B-tree advice.
public enum IndexAdvisor {
    /// A sequential scan with the columns its filter compares.
    public struct Scan: Sendable, Hashable {
        public var schema: String
        public var table: String
        public var equality: [String]
        public var range: [String]
    }

    /// Every sequential scan in an `EXPLAIN (FORMAT JSON, VERBOSE)` plan whose filter an index could serve.
    public static func sequentialScans(inPlan json: String) -> [Scan] {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { return [] }
        var scans: [Scan] = []
        func visit(_ node: [String: Any]) {
            if node["Node Type"] as? String == "Seq Scan", let table = node["Relation Name"] as? String,
                let filter = node["Filter"] as? String
            {
                let alias = node["Alias"] as? String ?? table
                let (equality, range) = columns(in: filter, alias: alias)
                if !equality.isEmpty || !range.isEmpty {
                    scans.append(Scan(schema: node["Schema"] as? String ?? "public", table: table, equality: equality, range: range))
                }
            }
            for child in node["Plans"] as? [[String: Any]] ?? [] { visit(child) }
        }
        for entry in parsed {
            if let plan = entry["Plan"] as? [String: Any] { visit(plan) }
        }
        return scans
    }

    /// Whether any node of the plan reads through the index `name`.
    public static func usesIndex(_ name: String, inPlan json: String) -> Bool {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { return false }
        func visit(_ node: [String: Any]) -> Bool {
            node["Index Name"] as? String == name || (node["Plans"] as? [[String: Any]] ?? []).contains(where: visit)
        }
        return parsed.contains { ($0["Plan"] as? [String: Any]).map(visit) ?? false }
    }

    /// The columns of `alias` a filter compares with something else, by equality and by range.
    /// A filter with OR at its top level is left alone: one B-tree index does not serve it.
    static func columns(in filter: String, alias: String) -> (equality: [String], range: [String]) {
        let conjuncts = splitTopLevel(stripParentheses(filter), on: " AND ")
        guard conjuncts.allSatisfy({ splitTopLevel($0, on: " OR ").count == 1 }) else { return ([], []) }
        var equality: [String] = []
        var range: [String] = []
        for conjunct in conjuncts {
            let comparison = stripParentheses(conjunct)
            for op in [" = ", " <= ", " >= ", " < ", " > "] {
                let sides = splitTopLevel(comparison, on: op)
                guard sides.count == 2 else { continue }
                let left = column(sides[0], alias: alias)
                let right = column(sides[1], alias: alias)
                // One side a column of the table, the other a parameter or constant.
                guard let name = left ?? right, (left == nil) != (right == nil) else { break }
                if op == " = " {
                    if !equality.contains(name) { equality.append(name) }
                } else if !range.contains(name) {
                    range.append(name)
                }
                break
            }
        }
        return (equality, range.filter { !equality.contains($0) })
    }

    /// The proposal for `scan`: equality columns by distinct values, most first, leaving out
    /// those with under 10 distinct values when a more selective one exists; then one range
    /// column; three columns at most.
    public static func propose(_ scan: Scan, distinctValues: [String: Double]) -> IndexProposal? {
        let ranked = scan.equality.sorted { (distinctValues[$0] ?? 0) > (distinctValues[$1] ?? 0) }
        var columns = ranked.enumerated().filter { index, column in index == 0 || (distinctValues[column] ?? .infinity) >= 10 }.map(\.element)
        columns = Array(columns.prefix(3))
        if columns.count < 3, let range = scan.range.first { columns.append(range) }
        guard !columns.isEmpty else { return nil }
        return IndexProposal(schema: scan.schema, table: scan.table, columns: columns)
    }

    /// `(orders.customer_id)::text` → `customer_id` when `orders` is the alias; nil for
    /// parameters, constants and other tables' columns.
    static func column(_ expression: String, alias: String) -> String? {
        var text = stripParentheses(expression.trimmingCharacters(in: .whitespaces))
        if let cast = text.range(of: ")::", options: .backwards), text.hasPrefix("(") {
            text = stripParentheses(String(text[..<cast.lowerBound].dropFirst()))
        }
        let prefix = alias + "."
        let quotedPrefix = "\"" + alias + "\"."
        let name: Substring
        if text.hasPrefix(prefix) {
            name = text.dropFirst(prefix.count)
        } else if text.hasPrefix(quotedPrefix) {
            name = text.dropFirst(quotedPrefix.count)
        } else {
            return nil
        }
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
            return String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        }
        let plain = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return plain && !name.isEmpty ? String(name) : nil
    }

    /// Removes parentheses that enclose the whole expression.
    static func stripParentheses(_ text: String) -> String {
        var text = text.trimmingCharacters(in: .whitespaces)
        while text.hasPrefix("("), text.hasSuffix(")"), closingIndex(of: text) == text.index(before: text.endIndex) {
            text = String(text.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        return text
    }

    /// Where the parenthesis opening `text` closes.
    private static func closingIndex(of text: String) -> String.Index? {
        var depth = 0
        var quoted = false
        for index in text.indices {
            switch text[index] {
            case "'": quoted.toggle()
            case "(" where !quoted: depth += 1
            case ")" where !quoted:
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// Splits on `separator` where it is outside parentheses and string literals.
    static func splitTopLevel(_ text: String, on separator: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var quoted = false
        var current = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if depth == 0, !quoted, text[index...].hasPrefix(separator) {
                parts.append(current)
                current = ""
                index = text.index(index, offsetBy: separator.count)
                continue
            }
            switch character {
            case "'": quoted.toggle()
            case "(" where !quoted: depth += 1
            case ")" where !quoted: depth -= 1
            default: break
            }
            current.append(character)
            index = text.index(after: index)
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// An index the autopilot proposes, with the statements that make and undo it. Built
/// concurrently, so the table stays writable while it is.
public struct IndexProposal: Sendable, Codable, Hashable {
    public var schema: String
    public var table: String
    public var columns: [String]

    public init(schema: String, table: String, columns: [String]) {
        self.schema = schema
        self.table = table
        self.columns = columns
    }

    /// `dharma_orders_customer_id_status_idx`, within PostgreSQL's 63-byte names.
    public var name: String {
        let raw = (["dharma", table] + columns + ["idx"]).joined(separator: "_").lowercased()
        return String(raw.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }.prefix(63))
    }

    public var createStatement: String {
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \(Self.quote(name)) ON \(Self.quote(schema)).\(Self.quote(table)) ("
            + columns.map(Self.quote).joined(separator: ", ") + ");"
    }

    /// `t` when an index of this name exists but is invalid: what a concurrent build that was
    /// interrupted (Dharma killed, the server restarted) leaves behind.
    public var invalidQuery: String {
        "SELECT coalesce((SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass("
            + PostgresClient.literal(Self.quote(schema) + "." + Self.quote(name)) + ")), false);"
    }

    public var dropStatement: String {
        "DROP INDEX CONCURRENTLY IF EXISTS \(Self.quote(schema)).\(Self.quote(name));"
    }

    static func quote(_ name: String) -> String {
        PostgresClient.identifier(name)
    }
}
