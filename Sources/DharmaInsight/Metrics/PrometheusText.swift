/// Prometheus text exposition format: `name{label="value",…} value [timestamp]` lines, `#`
/// comments. Lines that are not samples are reported by number; the others are kept.
public enum PrometheusText {
    public struct Line: Sendable, Hashable {
        public var key: SeriesKey
        public var value: Double
        public var time: Int64?
    }

    public struct Problem: Sendable, Hashable {
        public var line: Int
        public var message: String
    }

    public static func parse(_ text: String) -> ([Line], [Problem]) {
        var lines: [Line] = []
        var problems: [Problem] = []
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            let line = raw.trimmingCharacters(in: " \t")
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                lines.append(try sample(Substring(line)))
            } catch let failure as Failure {
                problems.append(Problem(line: number, message: failure.message))
            } catch {
                problems.append(Problem(line: number, message: "\(error)"))
            }
        }
        return (lines, problems)
    }

    struct Failure: Error { var message: String }

    static func sample(_ line: Substring) throws(Failure) -> Line {
        var index = line.startIndex
        let nameEnd = line.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") } ?? line.endIndex
        let name = String(line[index..<nameEnd])
        guard let first = name.first, first.isLetter || first == "_" || first == ":" else { throw Failure(message: "expected a metric name") }
        index = nameEnd
        var labels: [String: String] = [:]
        if index < line.endIndex, line[index] == "{" {
            index = line.index(after: index)
            while index < line.endIndex, line[index] != "}" {
                let keyEnd = line[index...].firstIndex(of: "=") ?? line.endIndex
                let key = line[index..<keyEnd].trimmingCharacters(in: " ,")
                guard keyEnd < line.endIndex, !key.isEmpty else { throw Failure(message: "expected label=\"value\"") }
                index = line.index(after: keyEnd)
                guard index < line.endIndex, line[index] == "\"" else { throw Failure(message: "label `\(key)` needs a quoted value") }
                index = line.index(after: index)
                var value = ""
                while index < line.endIndex, line[index] != "\"" {
                    if line[index] == "\\", line.index(after: index) < line.endIndex {
                        index = line.index(after: index)
                        value.append(line[index] == "n" ? "\n" : line[index])
                    } else {
                        value.append(line[index])
                    }
                    index = line.index(after: index)
                }
                guard index < line.endIndex else { throw Failure(message: "label `\(key)`'s value is not closed") }
                labels[key] = value
                index = line.index(after: index)
                while index < line.endIndex, line[index] == "," || line[index] == " " { index = line.index(after: index) }
            }
            guard index < line.endIndex else { throw Failure(message: "labels are not closed by `}`") }
            index = line.index(after: index)
        }
        let fields = line[index...].split(separator: " ", omittingEmptySubsequences: true)
        guard let valueText = fields.first else { throw Failure(message: "no value") }
        let value: Double
        switch valueText {
        case "NaN": value = .nan
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        default:
            guard let parsed = Double(valueText) else { throw Failure(message: "`\(valueText)` is not a number") }
            value = parsed
        }
        var time: Int64?
        if fields.count > 1 {
            guard let parsed = Int64(fields[1]) else { throw Failure(message: "`\(fields[1])` is not a timestamp in milliseconds") }
            time = parsed
        }
        return Line(key: SeriesKey(name: name, labels: labels), value: value, time: time)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var view = self
        while let first = view.first, set.contains(first) { view = view.dropFirst() }
        while let last = view.last, set.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
