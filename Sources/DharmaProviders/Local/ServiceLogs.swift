import DharmaCore
import Foundation

/// Where the local runtime writes the output of the programs it starts (replicas and proxies),
/// and the end of such a log, for errors that say why a program did not come up.
enum ServiceLogs {
    static func directory(_ context: ProviderContext) -> String {
        "\(context.stateDirectory)/logs/\(context.stack.name)-\(context.stack.environment)"
    }

    /// The directory, created if missing, joined with `file`.
    static func path(_ file: String, context: ProviderContext) -> String {
        let directory = directory(context)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return "\(directory)/\(file)"
    }

    /// The log's last five lines, indented under a heading; empty when there is no output.
    static func tail(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return "" }
        let lines = String(decoding: data.suffix(2000), as: UTF8.self).split(separator: "\n").suffix(5)
        return "\n    last lines of \(path):\n" + lines.map { "      \($0)" }.joined(separator: "\n")
    }
}
