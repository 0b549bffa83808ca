import Foundation

/// Files as a POSIX ustar archive (what `tar -x` reads): a 512-byte header per file, its
/// content padded to 512 bytes, and two empty blocks at the end. Generated code is small
/// text, so no compression; paths longer than 100 bytes use ustar's 155-byte prefix.
public struct TarArchive: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private var data = Data()

    public init() {}

    /// Adds a regular file, mode 0644, dated `modified`.
    public mutating func add(path: String, contents: Data, modified: Date = Date()) throws(Failure) {
        var header = [UInt8](repeating: 0, count: 512)
        let bytes = Array(path.utf8)
        var name = bytes
        var prefix: [UInt8] = []
        if bytes.count > 100 {
            guard let slash = bytes.prefix(155).lastIndex(of: UInt8(ascii: "/")), bytes.count - slash - 1 <= 100 else {
                throw Failure(description: "\(path): too long for a tar archive")
            }
            prefix = Array(bytes[..<slash])
            name = Array(bytes[(slash + 1)...])
        }
        func put(_ value: [UInt8], at offset: Int) { for (index, byte) in value.enumerated() { header[offset + index] = byte } }
        func octal(_ value: Int, width: Int) -> [UInt8] { Array(String(String(value, radix: 8).suffix(width - 1)).leftPadded(to: width - 1).utf8) + [0] }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(contents.count, width: 12), at: 124)
        put(octal(Int(modified.timeIntervalSince1970), width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        header[156] = UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(Array(String(String(checksum, radix: 8)).leftPadded(to: 6).utf8) + [0, UInt8(ascii: " ")], at: 148)
        data.append(contentsOf: header)
        data.append(contents)
        let padding = (512 - contents.count % 512) % 512
        data.append(contentsOf: [UInt8](repeating: 0, count: padding))
    }

    /// The archive, closed with its two empty blocks.
    public var bytes: Data {
        data + Data(count: 1024)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
