import DharmaCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `storage.volume` on the local provider: a quota-limited filesystem — an ext4 image of `size`
/// bytes (sparse: it takes disk space only as it fills), loop-mounted at
/// `.dharma/volumes/NAME`. Writing past the quota fails with "no space left on device", as on
/// a real disk. Mounting needs root; as another user the local runtime refuses volumes.
struct VolumeResource {
    func apply(_ resource: DesiredResource, prior: ResourceState?, context: ProviderContext) async throws -> [String: Value] {
        guard geteuid() == 0 else {
            throw ProviderError(
                resource: resource.name,
                "a local storage.volume is a loop-mounted ext4 image, and mounting needs root; "
                    + "run dharma as root, or use a storage.bucket (a plain directory) instead")
        }
        guard let size = resource.inputs["size"].flatMap(Units.bytes).map(Int.init) else {
            throw ProviderError(resource: resource.name, "`size` is required, e.g. 10Gi")
        }
        let directory = "\(context.stateDirectory)/volumes"
        let image = "\(directory)/\(ResourceAddress.flatName(of: resource.name)).ext4"
        let mountPoint = "\(directory)/\(ResourceAddress.flatName(of: resource.name))"
        if let recorded = prior?.outputs["size"]?.intValue, recorded != size, FileManager.default.fileExists(atPath: image) {
            throw ProviderError(
                resource: resource.name,
                "a local volume cannot change size (\(recorded) → \(size) bytes); "
                    + "give the new size a new volume and copy the data over")
        }
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: image) {
            guard FileManager.default.createFile(atPath: image, contents: nil), truncate(image, off_t(size)) == 0 else {
                throw ProviderError(resource: resource.name, "cannot make the \(size)-byte image \(image): \(String(cString: strerror(errno)))")
            }
            let made = try await CommandRunner.run(
                Self.tool("mkfs.ext4"), ["-q", "-F", "-m", "0", "-L", String(ResourceAddress.flatName(of: resource.name).prefix(16)), image], timeout: 120)
            guard made.succeeded else {
                unlink(image)
                throw ProviderError(resource: resource.name, "mkfs.ext4 failed: \(made.complaint)")
            }
        }
        if !Self.isMounted(mountPoint) {
            let mounted = try await CommandRunner.run(Self.tool("mount"), ["-o", "loop,nosuid,nodev", image, mountPoint], timeout: 60)
            guard mounted.succeeded else { throw ProviderError(resource: resource.name, "cannot mount \(image) at \(mountPoint): \(mounted.complaint)") }
        }
        return ["path": .string(mountPoint), "image": .string(image), "size": .int(size)]
    }

    func refresh(_ state: ResourceState) -> Observation {
        guard let image = state.outputs["image"]?.stringValue, let path = state.outputs["path"]?.stringValue,
            FileManager.default.fileExists(atPath: image)
        else { return .missing }
        guard Self.isMounted(path) else {
            return Observation(exists: true, drift: [AttributeDiff(attribute: "mounted", old: .string(path), new: .string("not mounted"))])
        }
        return Observation(exists: true, drift: [])
    }

    func delete(_ state: ResourceState) async throws {
        guard let image = state.outputs["image"]?.stringValue, let path = state.outputs["path"]?.stringValue else { return }
        // A process that still has a file open there (one that inherited a descriptor for a
        // moment, a shell whose directory it is) keeps the mount busy: retry for a few seconds,
        // then detach it lazily — it goes once that process lets go.
        var attempt = 0
        while Self.isMounted(path) {
            attempt += 1
            let unmounted = try await CommandRunner.run(Self.tool("umount"), attempt <= 10 ? [path] : ["--lazy", path], timeout: 60)
            if unmounted.succeeded { break }
            guard attempt <= 10 else { throw ProviderError(resource: state.name, "cannot unmount \(path): \(unmounted.complaint)") }
            try? await Task.sleep(for: .milliseconds(300))
        }
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: image)
    }

    /// Whether something is mounted exactly at `path` (per /proc/self/mountinfo, octal escapes undone).
    static func isMounted(_ path: String) -> Bool {
        let target = (path as NSString).standardizingPath
        guard let table = ProcFile.text("/proc/self/mountinfo") else { return false }
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return false }
            return unescape(String(fields[4])) == target
        }
    }

    private static func unescape(_ field: String) -> String {
        field.replacingOccurrences(of: "\\040", with: " ").replacingOccurrences(of: "\\011", with: "\t")
            .replacingOccurrences(of: "\\012", with: "\n").replacingOccurrences(of: "\\134", with: "\\")
    }

    private static func tool(_ name: String) -> String {
        ["/usr/sbin/\(name)", "/sbin/\(name)", "/usr/bin/\(name)", "/bin/\(name)"].first { access($0, X_OK) == 0 } ?? name
    }
}
