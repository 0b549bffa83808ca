import DharmaCore
import Foundation

/// Paths in a blueprint are relative to the blueprint's directory.
enum LocalPaths {
    static func absolute(_ path: String, in context: ProviderContext) -> String {
        let joined = path.hasPrefix("/") ? path : (context.baseDirectory as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }

    static func path(of resource: DesiredResource, in context: ProviderContext) throws -> String {
        guard let path = resource.inputs["path"]?.stringValue, !path.isEmpty else {
            throw ProviderError(resource: resource.name, "`path` is required on the local provider")
        }
        return absolute(path, in: context)
    }

    /// Parses `0644`-style permission text.
    static func mode(_ value: Value?, default fallback: mode_t, resource: String) throws -> mode_t {
        guard let value else { return fallback }
        let text = value.stringValue ?? value.interpolated
        guard let mode = mode_t(text, radix: 8), mode <= 0o7777 else {
            throw ProviderError(resource: resource, "mode `\(text)` is not octal permission bits such as 0644")
        }
        return mode
    }

    static func modeText(_ mode: mode_t) -> String {
        let octal = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }

    static func currentMode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Writes through a temporary file and rename, so a crash never leaves half a file.
    static func writeAtomically(_ bytes: Data, to path: String, mode: mode_t, resource: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ProviderError(resource: resource, "cannot create directory \(directory): \(error.localizedDescription)")
        }
        if isDirectory(path) {
            throw ProviderError(resource: resource, "\(path) is a directory; a storage.file needs a file path")
        }
        let temporary = directory + "/.\((path as NSString).lastPathComponent).dharma-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: bytes) else {
            throw ProviderError(resource: resource, "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        chmod(temporary, mode)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ProviderError(resource: resource, "cannot move the new content into \(path): \(reason)")
        }
    }
}
