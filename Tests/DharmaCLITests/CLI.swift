import DharmaNet
import DharmaTestKit
import Foundation

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the built `dharma` binary as a user would, without a terminal.
func dharma(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestPaths.dharma)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.start()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// Starts the built `dharma` in the background (`dharma up`, a chaos run); output goes to
/// `output` when given, else nowhere.
func startDharma(
    _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
    output: Pipe? = nil
) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestPaths.dharma)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = output ?? FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.start()
    return process
}

/// examples/webapp.yaml copied into `directory`, its database on a free port: tests that bring
/// it up may run at the same time.
func copyWebapp(to directory: String) throws {
    let text = try String(contentsOfFile: "\(TestPaths.repository)/examples/webapp.yaml", encoding: .utf8)
    guard text.contains("port: 55432"), let port = PortAllocator.freePort() else { throw CLITestError("examples/webapp.yaml no longer pins port 55432") }
    try text.replacingOccurrences(of: "port: 55432", with: "port: \(port)").write(toFile: directory + "/webapp.yaml", atomically: true, encoding: .utf8)
}

struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func scratchDirectory() -> String {
    Scratch.directory("dharma-cli")
}

func json(_ text: String) throws -> [String: Any] {
    (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
}

/// Writes a local-provider blueprint named `stack` with the given extra top-level YAML and
/// resources (indented under `resources:`), and returns its path.
@discardableResult
func writeBlueprint(_ file: String, in directory: String, stack: String, extra: String = "", resources: String) throws -> String {
    let path = directory + "/" + file
    try """
    apiVersion: dharma.dev/v3
    kind: Blueprint
    metadata: {name: \(stack)}
    target: {provider: local, region: local-1}
    \(extra)resources:
    \(resources)
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
