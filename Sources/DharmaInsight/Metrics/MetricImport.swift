/// Reads metrics from text: CSV (`timestamp,value`, or wide: `timestamp,a,b,…`) and OTLP/HTTP
/// JSON. A row that cannot be read is reported by line number; the others are kept.
public enum MetricImport {
    public struct Problem: Sendable, Hashable {
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    public struct Result: Sendable {
        public var samples: [(SeriesKey, Sample)] = []
        public var problems: [Problem] = []

        public init() {}
    }

    /// Narrow CSV becomes series `name`; each column of a wide CSV becomes `name` with a
    /// `series` label (or the column's own name when `name` is nil).
    public static func csv(_ text: String, name: String?, labels: [String: String]) -> Result {
        var result = Result()
        var header: [String] = []
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            let fields = raw.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " \t\"") }
            if fields.allSatisfy(\.isEmpty) { continue }
            if header.isEmpty {
                header = fields
                if fields.count < 2 {
                    result.problems.append(Problem(line: number, message: "the header needs a timestamp column and at least one value column")); return result
                }
                continue
            }
            guard let time = timestamp(fields[0]) else {
                result.problems.append(
                    Problem(line: number, message: "`\(fields[0])` is not a timestamp (YYYY-MM-DD HH:MM:SS, or seconds/milliseconds since 1970)"))
                continue
            }
            guard fields.count == header.count else {
                result.problems.append(Problem(line: number, message: "expected \(header.count) fields, found \(fields.count)"))
                continue
            }
            for column in 1..<fields.count {
                guard let value = Double(fields[column]) else {
                    result.problems.append(Problem(line: number, message: "`\(fields[column])` in column \(header[column]) is not a number"))
                    continue
                }
                var seriesLabels = labels
                let seriesName: String
                if header.count == 2 {
                    seriesName = name ?? sanitise(header[1])
                } else if let name {
                    seriesName = name
                    seriesLabels["series"] = header[column]
                } else {
                    seriesName = sanitise(header[column])
                }
                result.samples.append((SeriesKey(name: seriesName, labels: seriesLabels), Sample(time: time, value: value)))
            }
        }
        return result
    }

    /// OTLP/HTTP JSON (`resourceMetrics[].scopeMetrics[].metrics[]` with gauge or sum data
    /// points); resource and point attributes become labels.
    public static func otlp(_ object: Any, labels: [String: String]) -> Result {
        var result = Result()
        guard let root = object as? [String: Any], let resources = root["resourceMetrics"] as? [[String: Any]] else {
            result.problems.append(Problem(line: 1, message: "not an OTLP metrics payload: no `resourceMetrics`"))
            return result
        }
        for resource in resources {
            var resourceLabels = labels
            for (key, value) in attributes((resource["resource"] as? [String: Any])?["attributes"]) { resourceLabels[key] = value }
            for scope in resource["scopeMetrics"] as? [[String: Any]] ?? [] {
                for metric in scope["metrics"] as? [[String: Any]] ?? [] {
                    guard let name = metric["name"] as? String else { continue }
                    let data = (metric["gauge"] ?? metric["sum"]) as? [String: Any]
                    for point in data?["dataPoints"] as? [[String: Any]] ?? [] {
                        let nanos = (point["timeUnixNano"] as? String).flatMap { Int64($0) } ?? (point["timeUnixNano"] as? Int64) ?? 0
                        let value =
                            (point["asDouble"] as? Double) ?? (point["asInt"] as? String).flatMap(Double.init) ?? (point["asInt"] as? Int).map(Double.init)
                        guard let value, nanos > 0 else {
                            result.problems.append(Problem(line: 1, message: "a data point of `\(name)` has no time or value"))
                            continue
                        }
                        var pointLabels = resourceLabels
                        for (key, label) in attributes(point["attributes"]) { pointLabels[key] = label }
                        result.samples.append((SeriesKey(name: sanitise(name), labels: pointLabels), Sample(time: nanos / 1_000_000, value: value)))
                    }
                }
            }
        }
        return result
    }

    static func attributes(_ value: Any?) -> [String: String] {
        var labels: [String: String] = [:]
        for attribute in value as? [[String: Any]] ?? [] {
            guard let key = attribute["key"] as? String, let inner = attribute["value"] as? [String: Any] else { continue }
            if let text = inner["stringValue"] as? String {
                labels[sanitise(key)] = text
            } else if let other = inner.values.first {
                labels[sanitise(key)] = "\(other)"
            }
        }
        return labels
    }

    /// Metric and label names: letters, digits and `_`.
    public static func sanitise(_ name: String) -> String {
        let cleaned = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" ? $0 : "_" })
        return cleaned.first?.isNumber == true ? "_" + cleaned : cleaned
    }

    /// Milliseconds since 1970 from `YYYY-MM-DD HH:MM:SS[.fff]` (UTC), `…T…Z`, or a number of
    /// seconds (or milliseconds when it is that large).
    public static func timestamp(_ text: String) -> Int64? {
        if let number = Double(text) { return number > 1e11 ? Int64(number) : Int64(number * 1000) }
        let digits = text.split(whereSeparator: { !$0.isNumber })
        // A date alone (`2026-11-27`) is midnight UTC.
        guard digits.count == 3 || digits.count >= 6, digits[0].count == 4, let year = Int(digits[0]), let month = Int(digits[1]), let day = Int(digits[2]),
            let hour = digits.count > 3 ? Int(digits[3]) : 0, let minute = digits.count > 4 ? Int(digits[4]) : 0,
            let second = digits.count > 5 ? Int(digits[5]) : 0,
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var milliseconds = 0
        if digits.count > 6, let fraction = Int(digits[6].prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0)) { milliseconds = fraction }
        // Days from the civil calendar (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Int64(days) * 86_400_000 + Int64(hour * 3_600_000 + minute * 60_000 + second * 1000 + milliseconds)
    }
}
