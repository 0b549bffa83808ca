import DharmaTestScratch
import Foundation
@testable import DharmaPolicy

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The shared evaluation data: `$DHARMA_SHARED`, or `shared/` beside the repository.
let sharedData: String = {
    if let explicit = ProcessInfo.processInfo.environment["DHARMA_SHARED"], !explicit.isEmpty { return explicit + "/data" }
    return (repositoryRoot as NSString).deletingLastPathComponent + "/shared/data"
}()

let checkovFixtures = sharedData + "/checkov-fixtures"

func scratchDirectory() -> String {
    Scratch.directory("dharma-policy")
}

/// Writes files (relative path → text) into a new directory.
func tree(_ files: [String: String]) throws -> String {
    let directory = scratchDirectory()
    for (path, text) in files {
        let full = directory + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    return directory
}
