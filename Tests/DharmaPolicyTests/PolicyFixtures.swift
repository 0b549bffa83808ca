import DharmaTestKit
import Foundation

@testable import DharmaPolicy

let checkovFixtures = TestPaths.sharedData + "/checkov-fixtures"

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
