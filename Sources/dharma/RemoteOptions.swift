import ArgumentParser
import DharmaAPI
import DharmaClient
import DharmaService
import Foundation

/// `--remote` (the current profile, or DHARMA_SERVER/DHARMA_TOKEN) or `--profile NAME`: run
/// the command on a Dharma server instead of against local state.
struct RemoteOptions: ParsableArguments {
    @Flag(help: "Run on the server `dharma login` chose (or $DHARMA_SERVER with $DHARMA_TOKEN).") var remote = false
    @Option(help: "Run on the server of this profile from ~/.config/dharma/config.yaml.") var profile: String?

    var isRemote: Bool { remote || profile != nil }

    /// The server's stack operations; `body` runs with them and the connections close after.
    func withService<T>(_ body: (RemoteStackService) async throws -> T) async throws -> T {
        let client = try RemoteClient(profile: try RemoteConfiguration.resolve(profile, environment: ProcessInfo.processInfo.environment))
        do {
            let result = try await body(RemoteStackService(client: client))
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// Renders a remote run as the local command would: its log as it happens, then its outcome,
/// with the local command's exit code.
enum RemoteRunOutput {
    /// Queues `kind` for the blueprint file and follows it to the end (or, with `wait` false,
    /// until it waits for approval).
    static func run(
        _ kind: Components.Schemas.RunKind, file: String, environment: String?, message: String?, wait: Bool, json: Bool, service: RemoteStackService
    ) async throws {
        let server = service.client.profile.server
        let final = try await service.execute(kind, file: file, environment: environment, message: message, waitForApproval: wait) { progress in
            guard !json else { return }
            switch progress {
            case .queued(let run, let address, let version):
                print("run \(run.id) queued on \(server) (\(address.organisation)/\(address.reference), blueprint v\(version))")
            case .line(let text):
                print(text)
            case .waitingForApproval(let run) where run.state == .policyOverride:
                print(
                    "run \(run.id) waits for a policy override: an approver runs `dharma approve --remote \(run.id) --override-policy REASON`")
            case .waitingForApproval(let run):
                print("run \(run.id) waits for approval: an approver runs `dharma approve --remote \(run.id)`")
            }
            fflush(nil)
        }
        if json { print(Self.json(final)) }
        try outcome(final)
    }

    /// Exit 3 for a policy refusal, 1 for any other failure, as locally.
    static func outcome(_ run: Components.Schemas.Run) throws {
        switch run.state {
        case .errored:
            if let verdict = run.policyVerdict { throw ServiceError.policyViolation(verdict) }
            throw ServiceError.failed("run \(run.id) errored: \(run.error ?? "no reason given")")
        case .discarded, .canceled:
            throw ServiceError.conflict("run \(run.id) was \(run.state.rawValue)\(run.decidedBy.map { " by \($0)" } ?? "")")
        default:
            return
        }
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Reports from the server printed as the local commands print them.
enum RemoteReport {
    /// `report` as indented JSON, what --json prints.
    static func json(_ report: [String: (any Sendable)?]) -> String {
        let object = report.mapValues { $0 ?? NSNull() }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A report decoded into the type the local command renders.
    static func decode<T: Decodable>(_ type: T.Type, from report: Any) throws -> T {
        let data = try JSONSerialization.data(withJSONObject: report, options: [])
        return try JSONDecoder().decode(type, from: data)
    }
}
