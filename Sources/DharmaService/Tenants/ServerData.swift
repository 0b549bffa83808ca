import DharmaCore
import DharmaStore
import Foundation

/// Where a server keeps everything, under its `--data` directory:
///
///     control.db                 organisations, users, tokens, stacks, blueprints, runs
///     server/dharma.db           the server's own audit log (denied requests, users, organisations)
///     orgs/ORG/dharma.db         the organisation's state and its own audit log (keys beside it)
///     orgs/ORG/stacks/REF/       the blueprint a run works from, and its saved plans
///
/// One state database per organisation gives each tenant its own Merkle tree and keys, and
/// keeps one tenant's rows out of another's queries by construction.
public struct ServerData: Sendable, Hashable {
    public let directory: String

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
    }

    public var controlDatabase: String { directory + "/control.db" }
    public var serverState: StateLocation { StateLocation(databasePath: directory + "/server/dharma.db") }

    public func state(of organisation: String) -> StateLocation {
        StateLocation(databasePath: "\(directory)/orgs/\(organisation)/dharma.db")
    }

    public func workspace(of stack: StackID, in organisation: String) -> String {
        "\(directory)/orgs/\(organisation)/stacks/\(stack.name).\(stack.environment)"
    }

    /// Makes the directory, private to the user the server runs as.
    public func create() throws(ServiceError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .failed("cannot create the data directory \(directory): \(error.localizedDescription)")
        }
        chmod(directory, 0o700)
    }
}
