import Foundation

/// The M4 competition's `*-train.csv` / `*-test.csv`: quoted fields, the series id first,
/// then the observations, right-padded with empty fields.
public struct M4Dataset: Sendable {
    public var ids: [String]
    public var train: [[Double]]
    public var test: [[Double]]

    public static func load(_ directory: String, frequency: String = "Hourly") throws -> M4Dataset {
        let train = try read(directory + "/\(frequency)-train.csv")
        let test = try read(directory + "/\(frequency)-test.csv")
        guard train.map(\.0) == test.map(\.0) else {
            throw BenchmarkError("\(directory): train and test files do not list the same series in the same order")
        }
        return M4Dataset(ids: train.map(\.0), train: train.map(\.1), test: test.map(\.1))
    }

    static func read(_ path: String) throws -> [(String, [Double])] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchmarkError("\(path): cannot be read; pass --data pointing at the M4 folder")
        }
        var rows: [(String, [Double])] = []
        var line = 0
        for row in String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            line += 1
            if line == 1 || row.isEmpty { continue }
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            guard let id = fields.first, !id.isEmpty else { throw BenchmarkError("\(path):\(line): no series id") }
            var values: [Double] = []
            for (column, field) in fields.dropFirst().enumerated() where !field.isEmpty {
                guard let value = Double(field), value.isFinite else {
                    throw BenchmarkError("\(path):\(line): column \(column + 2) is `\(field)`, not a number")
                }
                values.append(value)
            }
            rows.append((id, values))
        }
        return rows
    }
}
