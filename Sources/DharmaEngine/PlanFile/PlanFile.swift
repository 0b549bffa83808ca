import DharmaCore
import DharmaStore
import Foundation

/// A plan saved by `dharma plan --out` and applied by `dharma apply --plan`: the plan, and where
/// its state lives. The plan carries the version of the format that wrote it; a file of another
/// version is refused with a message saying so, never half-read. Its sensitive values are sealed
/// with the stack's data key, which only the state store (with the sealing key) can open.
public struct PlanFile: Sendable, Codable {
    /// The plan as written: sensitive values sealed.
    public var sealedPlan: Plan
    public var statePath: String

    enum CodingKeys: String, CodingKey {
        case sealedPlan = "plan"
        case statePath
    }

    /// Seals `plan`'s sensitive values with `store`, the state it was made against.
    public static func sealing(_ plan: Plan, statePath: String, with store: any Store) async throws -> PlanFile {
        PlanFile(sealedPlan: try await plan.mappingSensitive { try await store.seal($0, in: plan.stack) }, statePath: statePath)
    }

    /// The plan with its sealed values opened by `store`.
    public func plan(openedWith store: any Store) async throws -> Plan {
        try await sealedPlan.mappingSensitive { try await store.unseal($0, in: sealedPlan.stack) }
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case notAPlan(path: String, reason: String)
        case otherVersion(path: String, found: Int)
        case unwritable(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read the plan \(path): \(reason)"
            case .notAPlan(let path, let reason): "\(path) is not a plan saved by `dharma plan --out` (\(reason))"
            case .otherVersion(let path, let found):
                "\(path) was saved in plan format \(found), and this Dharma reads format \(Plan.formatVersion); "
                    + "make the plan again with `dharma plan --out`"
            case .unwritable(let path, let reason): "cannot write the plan to \(path): \(reason)"
            }
        }
    }

    /// Only the version, read first: a plan of another version may not decode at all.
    private struct VersionProbe: Decodable {
        struct Inner: Decodable { var formatVersion: Int? }
        var plan: Inner?
    }

    public static func read(_ path: String) throws(Failure) -> PlanFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw .unreadable(path: path, reason: error.localizedDescription) }
        let probe: VersionProbe
        do { probe = try JSONDecoder().decode(VersionProbe.self, from: data) } catch { throw .notAPlan(path: path, reason: "not JSON") }
        guard let version = probe.plan?.formatVersion else { throw .notAPlan(path: path, reason: "it names no plan format version") }
        guard version == Plan.formatVersion else { throw .otherVersion(path: path, found: version) }
        do {
            return try JSONDecoder().decode(PlanFile.self, from: data)
        } catch {
            throw .notAPlan(path: path, reason: "\(error)")
        }
    }

    /// Written atomically with mode 0600: the plan names the stack's resources and settings.
    public func write(to path: String) throws(Failure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
            chmod(path, 0o600)
        } catch {
            throw .unwritable(path: path, reason: error.localizedDescription)
        }
    }
}
