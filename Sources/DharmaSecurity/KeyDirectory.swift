import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Signing keys on disk, under `.dharma/keys/`: one JSON file per key name holding the seeds
/// of its Ed25519 and ML-DSA-65 keys. Files are created with mode 0600 on first use, and a file
/// that others can read is refused rather than used.
public struct KeyDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    struct KeyFile: Codable {
        var name: String
        var created: Double
        var ed25519Seed: String
        var mldsa65Seed: String
    }

    /// Key names may hold `/` (note names are often URLs); file names keep only characters
    /// that are safe in a path.
    private func fileName(_ name: String) -> String {
        String(
            name.unicodeScalars.map { scalar -> Character in
                scalar.properties.isAlphabetic && scalar.isASCII || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar)
                    ? Character(scalar) : "_"
            })
    }

    /// Retires the current keys of `name` (kept as `NAME.retired-TIME.key`, so signatures made
    /// with them still verify); the next `signers(named:)` creates new ones. Returns the
    /// retired verifiers.
    @discardableResult
    public func retire(_ name: String) throws(Failure) -> [NoteVerifier] {
        let old = try signers(named: name).map(\.verifier)
        let file = "\(path)/\(fileName(name)).key"
        let retired = "\(path)/\(fileName(name)).retired-\(Int(Date().timeIntervalSince1970 * 1000)).key"
        guard rename(file, retired) == 0 else {
            throw Failure(description: "cannot retire \(file): \(String(cString: strerror(errno)))")
        }
        return old
    }

    /// Public keys of every retired key pair of `name`, oldest first.
    public func retiredVerifiers(of name: String) throws(Failure) -> [NoteVerifier] {
        let prefix = "\(fileName(name)).retired-"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".key") }.sorted()
        var verifiers: [NoteVerifier] = []
        for file in files { verifiers += try load("\(path)/\(file)").map(\.verifier) }
        return verifiers
    }

    /// The public keys `name` is known by here: those of its key pair, if this directory holds
    /// one (nothing is created), and those registered for it from elsewhere (`NAME.pub`).
    public func verifiers(of name: String) throws(Failure) -> [NoteVerifier] {
        let file = "\(path)/\(fileName(name)).key"
        let own = FileManager.default.fileExists(atPath: file) ? try load(file).map(\.verifier) : []
        return own + (try publicKeys(of: name))
    }

    /// Keeps `verifiers` as public keys of `name` (in `NAME.pub`, one signed-note key per
    /// line): keys whose private halves are elsewhere, such as an approver's own machine.
    public func addPublicKeys(_ verifiers: [NoteVerifier], of name: String) throws(Failure) {
        let known = try publicKeys(of: name)
        let added = verifiers.filter { !known.contains($0) }
        guard !added.isEmpty else { return }
        let file = "\(path)/\(fileName(name)).pub"
        let text = (known + added).map(\.encoded).joined(separator: "\n") + "\n"
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            throw Failure(description: "cannot write \(file): \(error)")
        }
    }

    private func publicKeys(of name: String) throws(Failure) -> [NoteVerifier] {
        let file = "\(path)/\(fileName(name)).pub"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        var verifiers: [NoteVerifier] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            do { verifiers.append(try NoteVerifier(encoded: String(line))) } catch { throw Failure(description: "\(file): \(error.description)") }
        }
        return verifiers
    }

    /// Both signers for `name`, created on first use.
    public func signers(named name: String) throws(Failure) -> [NoteSigner] {
        let file = "\(path)/\(fileName(name)).key"
        if !FileManager.default.fileExists(atPath: file) { try create(name, at: file) }
        return try load(file)
    }

    private func load(_ file: String) throws(Failure) -> [NoteSigner] {
        var info = stat()
        guard stat(file, &info) == 0 else { throw Failure(description: "cannot read \(file): \(String(cString: strerror(errno)))") }
        guard info.st_mode & 0o077 == 0 else {
            throw Failure(
                description: "\(file) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); "
                    + "run `chmod 600 \(file)`; Dharma does not sign with a key others may have copied")
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let key = try JSONDecoder().decode(KeyFile.self, from: data)
            guard let ed = Data(base64Encoded: key.ed25519Seed), let ml = Data(base64Encoded: key.mldsa65Seed) else {
                throw Failure(description: "\(file) holds malformed seeds")
            }
            return [
                try NoteSigner(name: key.name, algorithm: .ed25519, seed: ed),
                try NoteSigner(name: key.name, algorithm: .mldsa65, seed: ml),
            ]
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(file) is not a Dharma key file (\(error)); restore it from a backup, or move it away to start a new key")
        }
    }

    private func create(_ name: String, at file: String) throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let ed = try NoteSigner.generate(name: name, algorithm: .ed25519)
            let ml = try NoteSigner.generate(name: name, algorithm: .mldsa65)
            let key = KeyFile(
                name: name, created: Date().timeIntervalSince1970,
                ed25519Seed: ed.seed.base64EncodedString(), mldsa65Seed: ml.seed.base64EncodedString())
            let data = try JSONEncoder().encode(key)
            // Created 0600 from the start, never briefly readable.
            let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw Failure(description: "cannot create \(file): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == data.count else { throw Failure(description: "cannot write \(file)") }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot create a key in \(path): \(error)")
        }
    }
}
