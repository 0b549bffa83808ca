import DharmaInsight
import Foundation

/// The Numenta Anomaly Benchmark corpus on disk: `data/<category>/<file>.csv` and
/// `labels/combined_windows.json`.
public struct NABCorpus: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var timestamps: [String]
        /// The timestamps as milliseconds since 1970 (NAB's are UTC without a zone).
        public var times: [Int64]
        public var values: [Double]
        public var windows: [ClosedRange<Int>]
    }

    public var series: [Series]

    public static func load(_ directory: String) throws -> NABCorpus {
        let windowsPath = directory + "/labels/combined_windows.json"
        guard let data = FileManager.default.contents(atPath: windowsPath),
            let windows = try? JSONSerialization.jsonObject(with: data) as? [String: [[String]]]
        else {
            throw BenchmarkError("\(windowsPath) is missing or not NAB's combined_windows.json; pass --data pointing at the NAB folder")
        }
        var series: [Series] = []
        for name in windows.keys.sorted() {
            let path = directory + "/data/" + name
            let (timestamps, times, values) = try readCSV(path)
            var ranges: [ClosedRange<Int>] = []
            for window in windows[name] ?? [] {
                // A window edge may fall in a gap of the data: the window covers the rows inside it.
                guard window.count == 2, let start = timestamps.firstIndex(where: { $0 >= trim(window[0]) }),
                    let end = timestamps.lastIndex(where: { $0 <= trim(window[1]) }), start <= end
                else {
                    throw BenchmarkError("\(windowsPath): a window of \(name) does not match its timestamps")
                }
                ranges.append(start...end)
            }
            series.append(
                Series(
                    name: name, timestamps: timestamps, times: times, values: values,
                    windows: ranges.sorted { $0.lowerBound < $1.lowerBound }))
        }
        return NABCorpus(series: series)
    }

    static func trim(_ timestamp: String) -> String {
        timestamp.hasSuffix(".000000") ? String(timestamp.dropLast(7)) : timestamp
    }

    /// `timestamp,value` rows; a row that is not one is an error naming its line.
    static func readCSV(_ path: String) throws -> ([String], [Int64], [Double]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchmarkError("\(path): cannot be read")
        }
        var timestamps: [String] = []
        var times: [Int64] = []
        var values: [Double] = []
        var line = 0
        // "\r\n" is one Character in Swift, so both line endings are separators.
        for row in String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            line += 1
            if line == 1 || row.isEmpty { continue }
            let fields = row.split(separator: ",", maxSplits: 1)
            guard fields.count == 2, let time = MetricImport.timestamp(String(fields[0])),
                let value = Double(fields[1].trimmingCharacters(in: .whitespacesAndNewlines))
            else {
                throw BenchmarkError("\(path):\(line): expected `timestamp,value`, found `\(row.prefix(60))`")
            }
            timestamps.append(String(fields[0]))
            times.append(time)
            values.append(value)
        }
        return (timestamps, times, values)
    }
}
