import Foundation

/// A small PromQL-like query: a selector `cpu{resource="web",replica!="0",path=~"/api.*"}`,
/// optionally inside `rate(…)`, or aggregated with `avg|min|max|sum|count(…) by (labels)` or
/// `quantile(0.95, …) by (labels)`. Aggregations run over every sample in the time range.
public struct MetricQuery: Sendable {
    public enum Matcher: Sendable {
        case equal(String, String)
        case notEqual(String, String)
        case regex(String, String)
    }

    public enum Function: String, Sendable {
        case none, rate, avg, min, max, sum, count, quantile
    }

    public var name: String
    public var matchers: [Matcher]
    public var function: Function = .none
    public var quantile: Double = 0.5
    public var groupBy: [String] = []

    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func parse(_ text: String) throws(SyntaxError) -> MetricQuery {
        var rest = text.trimmingCharacters(in: .whitespaces)
        var function = Function.none
        var quantile = 0.5
        var groupBy: [String] = []
        if let open = rest.firstIndex(of: "("), let name = Function(rawValue: String(rest[..<open]).trimmingCharacters(in: .whitespaces)) {
            var depth = 0
            var closing: String.Index?
            for index in rest[open...].indices {
                if rest[index] == "(" { depth += 1 }
                if rest[index] == ")" { depth -= 1; if depth == 0 { closing = index; break } }
            }
            guard let close = closing else { throw SyntaxError(message: "`\(name.rawValue)(` is not closed") }
            var inner = String(rest[rest.index(after: open)..<close])
            let after = rest[rest.index(after: close)...].trimmingCharacters(in: .whitespaces)
            if after.hasPrefix("by") {
                let labels = after.dropFirst(2).trimmingCharacters(in: CharacterSet(charactersIn: " ()"))
                groupBy = labels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            } else if !after.isEmpty {
                throw SyntaxError(message: "unexpected `\(after)` after the function")
            }
            if name == .quantile {
                guard let comma = inner.firstIndex(of: ","), let q = Double(inner[..<comma].trimmingCharacters(in: .whitespaces)), (0...1).contains(q) else {
                    throw SyntaxError(message: "quantile needs a level between 0 and 1 first: quantile(0.95, cpu)")
                }
                quantile = q
                inner = String(inner[inner.index(after: comma)...])
            }
            function = name
            rest = inner.trimmingCharacters(in: .whitespaces)
        }
        var query = try selector(rest)
        query.function = function
        query.quantile = quantile
        query.groupBy = groupBy
        return query
    }

    static func selector(_ text: String) throws(SyntaxError) -> MetricQuery {
        let nameEnd = text.firstIndex(of: "{") ?? text.endIndex
        let name = text[..<nameEnd].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else {
            throw SyntaxError(message: "`\(text)` does not start with a metric name")
        }
        var matchers: [Matcher] = []
        if nameEnd < text.endIndex {
            guard text.hasSuffix("}") else { throw SyntaxError(message: "labels are not closed by `}`") }
            let body = text[text.index(after: nameEnd)..<text.index(before: text.endIndex)]
            for part in body.split(separator: ",") {
                let item = part.trimmingCharacters(in: .whitespaces)
                let operators: [(String, (String, String) -> Matcher)] = [("=~", Matcher.regex), ("!=", Matcher.notEqual), ("=", Matcher.equal)]
                guard let (op, make) = operators.first(where: { item.contains($0.0) }), let range = item.range(of: op) else {
                    throw SyntaxError(message: "`\(item)` is not label=\"value\"")
                }
                let key = item[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = item[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " \""))
                guard !key.isEmpty else { throw SyntaxError(message: "`\(item)` names no label") }
                matchers.append(make(key, value))
            }
        }
        return MetricQuery(name: name, matchers: matchers)
    }

    public func matches(_ key: SeriesKey) -> Bool {
        guard key.name == name else { return false }
        return matchers.allSatisfy { matcher in
            switch matcher {
            case .equal(let label, let value): return key.labels[label] == value
            case .notEqual(let label, let value): return key.labels[label] != value
            case .regex(let label, let pattern):
                guard let text = key.labels[label], let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
                return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            }
        }
    }

    public struct Row: Sendable {
        public var labels: [String: String]
        public var value: Double
        public var samples: Int
    }

    /// One row per series (`rate`, plain selectors: the last value) or per group.
    public func evaluate(_ series: [SeriesKey: [Sample]]) -> [Row] {
        let selected = series.filter { matches($0.key) && !$0.value.isEmpty }
        switch function {
        case .none:
            return selected.sorted { $0.key < $1.key }.map { Row(labels: $0.key.labels, value: $0.value.last?.value ?? .nan, samples: $0.value.count) }
        case .rate:
            return selected.sorted { $0.key < $1.key }.map { key, samples in Row(labels: key.labels, value: Self.rate(samples), samples: samples.count) }
        default:
            var groups: [[String: String]: [Double]] = [:]
            for (key, samples) in selected {
                let group = key.labels.filter { groupBy.contains($0.key) }
                groups[group, default: []] += samples.map(\.value).filter(\.isFinite)
            }
            return groups.map { group, values in Row(labels: group, value: aggregate(values), samples: values.count) }
                .sorted { $0.labels.description < $1.labels.description }
        }
    }

    func aggregate(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        switch function {
        case .min: return values.min() ?? .nan
        case .max: return values.max() ?? .nan
        case .sum: return values.reduce(0, +)
        case .count: return Double(values.count)
        case .quantile:
            let sorted = values.sorted()
            let rank = quantile * Double(sorted.count - 1)
            let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
            return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
        default: return values.reduce(0, +) / Double(values.count)
        }
    }

    /// Per-second increase of a counter, counting resets (a drop) as a restart from zero.
    static func rate(_ samples: [Sample]) -> Double {
        guard let first = samples.first, let last = samples.last, last.time > first.time else { return .nan }
        var increase = 0.0
        for (previous, current) in zip(samples, samples.dropFirst()) {
            increase += current.value >= previous.value ? current.value - previous.value : current.value
        }
        return increase / (Double(last.time - first.time) / 1000)
    }
}

extension MetricQuery {
    /// The series named `name` whose labels include each of `labels`.
    public static func selecting(_ name: String, labels: [String: String]) -> MetricQuery {
        var query = MetricQuery(name: name, matchers: [])
        query.matchers = labels.sorted { $0.key < $1.key }.map { .equal($0.key, $0.value) }
        return query
    }
}
