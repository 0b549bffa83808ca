import DharmaAPI
import DharmaCore
import DharmaService
import Foundation
import OpenAPIRuntime

/// What `--remote` commands do on a server: push a blueprint file as the stack's next
/// version, queue runs and follow their logs, read state and the audit log, approve.
public struct RemoteStackService: Sendable {
    public let client: RemoteClient

    public init(client: RemoteClient) {
        self.client = client
    }

    var api: Client { client.api }

    /// A stack on the server, as a blueprint file names it.
    public struct StackAddress: Sendable, Hashable {
        public var organisation: String
        public var reference: String
    }

    /// The stack a blueprint file's `metadata.name` and environment name, in the profile's
    /// organisation.
    public func address(of file: String, environment: String?) async throws(ServiceError) -> StackAddress {
        let loaded = BlueprintLoader().load(path: file)
        guard let blueprint = loaded.blueprint else { throw .invalidBlueprint(loaded.diagnostics, loaded.source) }
        return StackAddress(
            organisation: try await client.organisation(), reference: "\(blueprint.metadata.name).\(environment ?? blueprint.metadata.environment)")
    }

    /// The address of `NAME` or `NAME/ENVIRONMENT` (`--stack`), or of a blueprint file (`-f`).
    public func address(stack: String?, file: String?, environment: String?) async throws(ServiceError) -> StackAddress {
        if let file { return try await address(of: file, environment: environment) }
        guard let stack else { throw .invalidInput("name the stack with --stack NAME/ENVIRONMENT or -f FILE") }
        let parts = stack.split(separator: "/", maxSplits: 1).map(String.init)
        let environment = parts.count > 1 ? parts[1] : environment ?? "default"
        return StackAddress(organisation: try await client.organisation(), reference: "\(parts[0]).\(environment)")
    }

    // MARK: blueprints

    /// `validate` on the server: the same diagnostics and policy findings.
    public func validate(_ file: String) async throws(ServiceError) -> Components.Schemas.ValidationResult {
        let text = try Self.read(file)
        let organisation = try await client.organisation()
        let output = try await client.call { try await api.validateBlueprint(path: .init(org: organisation), body: .yaml(HTTPBody(text))) }
        guard case .ok(let ok) = output, case .json(let result) = ok.body else { throw client.unexpected(output) }
        return result
    }

    /// Uploads the file as the stack's next blueprint version, unless the newest version is
    /// the same text; creates the stack (in the profile's project, default `default`) the first time.
    public func push(_ file: String, environment: String?) async throws(ServiceError) -> (StackAddress, version: Int) {
        let address = try await address(of: file, environment: environment)
        let text = try Self.read(file)
        let path = Operations.GetStack.Input.Path(org: address.organisation, stack: address.reference)
        let existing = try await client.call { try await api.getStack(path: path) }
        switch existing {
        case .ok(let ok):
            if case .json(let stack) = ok.body, let latest = stack.latestBlueprint {
                let version = try await client.call {
                    try await api.getBlueprintVersion(path: .init(org: address.organisation, stack: address.reference, version: latest))
                }
                if case .ok(let found) = version, case .json(let detail) = found.body, detail.value2.text == text { return (address, latest) }
            }
        case .default(statusCode: 404, _):
            try await createStack(address)
        default:
            throw client.unexpected(existing)
        }
        let output = try await client.call {
            try await api.uploadBlueprint(path: .init(org: address.organisation, stack: address.reference), body: .yaml(HTTPBody(text)))
        }
        guard case .created(let created) = output, case .json(let version) = created.body else { throw client.unexpected(output) }
        return (address, version.version)
    }

    private func createStack(_ address: StackAddress) async throws(ServiceError) {
        let project = client.profile.project ?? "default"
        let found = try await client.call { try await api.getProject(path: .init(org: address.organisation, project: project)) }
        if case .default(statusCode: 404, _) = found {
            let made = try await client.call { try await api.createProject(path: .init(org: address.organisation), body: .json(.init(name: project))) }
            guard case .created = made else { throw client.unexpected(made) }
        }
        let parts = address.reference.split(separator: ".").map(String.init)
        let output = try await client.call {
            try await api.createStack(
                path: .init(org: address.organisation),
                body: .json(.init(project: project, name: parts[0], environment: parts.count > 1 ? parts[1] : "default")))
        }
        guard case .created = output else { throw client.unexpected(output) }
    }

    // MARK: runs

    public func queue(
        _ kind: Components.Schemas.RunKind, on address: StackAddress, version: Int, message: String?
    ) async throws(ServiceError) -> Components.Schemas.Run {
        let output = try await client.call {
            try await api.createRun(
                path: .init(org: address.organisation, stack: address.reference),
                body: .json(.init(kind: .init(rawValue: kind.rawValue), blueprintVersion: version, message: message)))
        }
        guard case .created(let created) = output, case .json(let run) = created.body else { throw client.unexpected(output) }
        return run
    }

    public enum RunEvent: Sendable {
        /// A log line and its index, from which a follower resumes (`after`).
        case line(String, index: Int)
        case state(Components.Schemas.Run)
    }

    /// The run's log from line `after` on and its states as they happen, over a WebSocket,
    /// until it ends or waits for an approver.
    public func follow(_ run: String, in organisation: String, after: Int = 0) -> AsyncThrowingStream<RunEvent, any Error> {
        let messages = client.live(
            "/v1/orgs/\(organisation)/runs/\(run)/log?after=\(after)",
            until: { message in
                guard case .state(let state) = Self.decode(message) else { return false }
                return Self.waitsForSomeone(state.state) || Self.isFinal(state.state)
            },
            explain: { () throws(ServiceError) in _ = try await self.run(run, in: organisation) })
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await message in messages {
                        if let event = Self.decode(message) { continuation.yield(event) }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func run(_ id: String, in organisation: String) async throws(ServiceError) -> Components.Schemas.Run {
        let output = try await client.call { try await api.getRun(path: .init(org: organisation, run: id)) }
        guard case .ok(let ok) = output, case .json(let run) = ok.body else { throw client.unexpected(output) }
        return run
    }

    public func approve(_ id: String, reason: String?) async throws(ServiceError) -> Components.Schemas.Run {
        let organisation = try await client.organisation()
        let output = try await client.call { try await api.approveRun(path: .init(org: organisation, run: id), body: .json(.init(reason: reason))) }
        guard case .ok(let ok) = output, case .json(let run) = ok.body else { throw client.unexpected(output) }
        return run
    }

    /// Lets a run through the soft-mandatory policy failures holding it.
    public func overridePolicy(_ id: String, reason: String) async throws(ServiceError) -> Components.Schemas.Run {
        let organisation = try await client.organisation()
        let output = try await client.call {
            try await api.overrideRunPolicy(path: .init(org: organisation, run: id), body: .json(.init(reason: reason)))
        }
        guard case .ok(let ok) = output, case .json(let run) = ok.body else { throw client.unexpected(output) }
        return run
    }

    /// The run waits for an approver: to approve it, or to override its policy failures.
    public static func waitsForSomeone(_ state: Components.Schemas.RunState) -> Bool {
        state == .needsApproval || state == .policyOverride
    }

    public static func isFinal(_ state: Components.Schemas.RunState) -> Bool {
        [.applied, .plannedAndFinished, .errored, .discarded, .canceled].contains(state)
    }

    static func decode(_ message: LiveMessage) -> RunEvent? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        switch message.name {
        case "line": return (try? decoder.decode(Components.Schemas.RunLogLine.self, from: message.data)).map { .line($0.text, index: $0.index) }
        case "state": return (try? decoder.decode(Components.Schemas.Run.self, from: message.data)).map { .state($0) }
        default: return nil
        }
    }

    // MARK: state and audit

    public func resources(_ address: StackAddress) async throws(ServiceError) -> [Components.Schemas.Resource] {
        var items: [Components.Schemas.Resource] = []
        var cursor: String?
        repeat {
            let page = cursor
            let output = try await client.call {
                try await api.listStateResources(path: .init(org: address.organisation, stack: address.reference), query: .init(cursor: page, limit: 200))
            }
            guard case .ok(let ok) = output, case .json(let body) = ok.body else { throw client.unexpected(output) }
            items += body.items
            cursor = body.nextCursor
        } while cursor != nil
        return items
    }

    public func outputs(_ address: StackAddress) async throws(ServiceError) -> OpenAPIObjectContainer {
        let output = try await client.call { try await api.getStateOutputs(path: .init(org: address.organisation, stack: address.reference)) }
        guard case .ok(let ok) = output, case .json(let body) = ok.body else { throw client.unexpected(output) }
        return body.outputs.additionalProperties
    }

    public func auditEntries(stack: String?, actor: String?) async throws(ServiceError) -> [Components.Schemas.AuditEntry] {
        let organisation = try await client.organisation()
        var items: [Components.Schemas.AuditEntry] = []
        var cursor: String?
        repeat {
            let page = cursor
            let output = try await client.call {
                try await api.listAuditEntries(path: .init(org: organisation), query: .init(stack: stack, actor: actor, cursor: page, limit: 200))
            }
            guard case .ok(let ok) = output, case .json(let body) = ok.body else { throw client.unexpected(output) }
            items += body.items
            cursor = body.nextCursor
        } while cursor != nil
        return items.reversed()
    }

    /// Verifies the organisation's log on the server; with witnesses' keys, which checkpoints
    /// `quorum` of them made final.
    public func verifyAudit(witnesses: [String] = [], quorum: Int = 1) async throws(ServiceError) -> Components.Schemas.AuditVerification {
        let organisation = try await client.organisation()
        let body: Operations.VerifyAuditLog.Input.Body? = witnesses.isEmpty ? nil : .json(.init(witnesses: witnesses, quorum: quorum))
        let output = try await client.call { try await api.verifyAuditLog(path: .init(org: organisation), body: body) }
        guard case .ok(let ok) = output, case .json(let body) = ok.body else { throw client.unexpected(output) }
        return body
    }

    static func read(_ file: String) throws(ServiceError) -> String {
        do { return try String(contentsOfFile: file, encoding: .utf8) } catch { throw .invalidInput("cannot read \(file): \(error.localizedDescription)") }
    }
}
