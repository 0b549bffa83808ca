import DharmaCore
import Foundation

/// `security.secret`: a mode-0600 file holding the value. The value itself is never put in
/// outputs; only its hash is recorded, to notice when someone changes the file.
struct SecretResource {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    func apply(_ resource: DesiredResource, prior: ResourceState?, context: ProviderContext) throws -> [String: Value] {
        let path = try LocalPaths.path(of: resource, in: context)
        let value: String
        if let given = resource.inputs["value"]?.stringValue {
            value = given
        } else if let prior, let recorded = prior.outputs["sha256"]?.stringValue,
            let existing = FileManager.default.contents(atPath: path), ContentHash.sha256(existing) == recorded
        {
            // A generated secret is kept as long as its file is intact.
            value = String(decoding: existing, as: UTF8.self)
        } else {
            value = Self.generated(length: resource.inputs["length"]?.intValue ?? 32)
        }
        let bytes = Data(value.utf8)
        try LocalPaths.writeAtomically(bytes, to: path, mode: 0o600, resource: resource.name)
        return ["path": .string(path), "sha256": .string(ContentHash.sha256(bytes))]
    }

    /// Letters and digits from the system's CSPRNG.
    static func generated(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    func refresh(_ state: ResourceState) -> Observation {
        guard let path = state.outputs["path"]?.stringValue, let hash = ContentHash.sha256(ofFile: path) else { return .missing }
        var drift: [AttributeDiff] = []
        if let recorded = state.outputs["sha256"]?.stringValue, recorded != hash {
            drift.append(AttributeDiff(attribute: "value", old: .string("(sensitive)"), new: .string("(sensitive, changed)"), sensitive: true))
        }
        if let mode = LocalPaths.currentMode(path), mode != 0o600 {
            drift.append(AttributeDiff(attribute: "mode", old: .string("0600"), new: .string(LocalPaths.modeText(mode))))
        }
        return Observation(exists: true, drift: drift)
    }

    func delete(_ state: ResourceState) throws {
        try FileResource().delete(state)
    }
}
