import DharmaService
import Foundation

/// A file only its owner may read (mode 0600): tokens and private keys.
enum PrivateFile {
    /// Writes `text` to `path`, replacing what was there; the mode is set again in case the
    /// file existed with another.
    static func write(_ text: String, to path: String) throws(ServiceError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]), chmod(path, 0o600) == 0
        else { throw .failed("cannot write \(path)") }
    }
}
