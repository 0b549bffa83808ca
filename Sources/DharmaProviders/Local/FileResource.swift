import DharmaCore
import Foundation

/// `storage.file`: a file with the given content and mode.
struct FileResource {
    func apply(_ resource: DesiredResource, context: ProviderContext) throws -> [String: Value] {
        let path = try LocalPaths.path(of: resource, in: context)
        let content = Data((resource.inputs["content"]?.stringValue ?? resource.inputs["content"]?.interpolated ?? "").utf8)
        let mode = try LocalPaths.mode(resource.inputs["mode"], default: 0o644, resource: resource.name)
        try LocalPaths.writeAtomically(content, to: path, mode: mode, resource: resource.name)
        return ["path": .string(path), "sha256": .string(ContentHash.sha256(content))]
    }

    func refresh(_ state: ResourceState) -> Observation {
        guard let path = state.outputs["path"]?.stringValue, !LocalPaths.isDirectory(path),
            let hash = ContentHash.sha256(ofFile: path)
        else { return .missing }
        var drift: [AttributeDiff] = []
        if let recorded = state.outputs["sha256"]?.stringValue, recorded != hash {
            drift.append(AttributeDiff(attribute: "content", old: ContentHash.short(recorded), new: ContentHash.short(hash)))
        }
        let wanted = (try? LocalPaths.mode(state.inputs["mode"], default: 0o644, resource: state.name)) ?? 0o644
        if let mode = LocalPaths.currentMode(path), mode != wanted {
            drift.append(AttributeDiff(attribute: "mode", old: .string(LocalPaths.modeText(wanted)), new: .string(LocalPaths.modeText(mode))))
        }
        return Observation(exists: true, drift: drift)
    }

    func delete(_ state: ResourceState) throws {
        guard let path = state.outputs["path"]?.stringValue else { return }
        if unlink(path) != 0 && errno != ENOENT {
            throw ProviderError(resource: state.name, "cannot remove \(path): \(String(cString: strerror(errno)))")
        }
    }
}
