import Foundation

/// Reads files under /proc whole.
///
/// They report a size of 0 and hand out their text about a page per read, and Foundation's
/// `FileManager.contents(atPath:)` and `String(contentsOfFile:)` stop after the first read:
/// a socket table, a long environment or a container's mount table would be cut off there.
enum ProcFile {
    static func contents(_ path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            return nil
        }
    }

    static func text(_ path: String) -> String? {
        contents(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
