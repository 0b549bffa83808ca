import DharmaCore
import Foundation

/// `storage.bucket` on the local provider: a directory.
struct BucketResource {
    func apply(_ resource: DesiredResource, context: ProviderContext) throws -> [String: Value] {
        let path = try LocalPaths.path(of: resource, in: context)
        if FileManager.default.fileExists(atPath: path) && !LocalPaths.isDirectory(path) {
            throw ProviderError(resource: resource.name, "\(path) exists and is not a directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ProviderError(resource: resource.name, "cannot create \(path): \(error.localizedDescription)")
        }
        return ["path": .string(path), "url": .string("file://" + path)]
    }

    func refresh(_ state: ResourceState) -> Observation {
        guard let path = state.outputs["path"]?.stringValue else { return .missing }
        return LocalPaths.isDirectory(path) ? Observation(exists: true) : .missing
    }

    func delete(_ state: ResourceState) throws {
        guard let path = state.outputs["path"]?.stringValue, LocalPaths.isDirectory(path) else { return }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard contents.isEmpty else {
            throw ProviderError(
                resource: state.name,
                "bucket directory \(path) is not empty (\(contents.count) entries); "
                    + "Dharma does not delete data. Empty it, then destroy again.")
        }
        rmdir(path)
    }
}
