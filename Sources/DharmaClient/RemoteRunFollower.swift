import DharmaAPI
import DharmaService
import Foundation

/// A whole remote run as `dharma apply --remote` sees it: push the blueprint file, queue the
/// run, follow its log to the end, and wait through approval when asked to.
extension RemoteStackService {
    /// How many times in a row following a run may lose its connection before `execute` gives up.
    static let followAttempts = 5

    /// What happens along the way, for the caller to render.
    public enum RunProgress: Sendable {
        case queued(Components.Schemas.Run, StackAddress, blueprintVersion: Int)
        case line(String)
        /// Said once each time the run is seen waiting for an approver: for approval
        /// (`needs_approval`) or for an override of its policy failures (`policy_override`).
        case waitingForApproval(Components.Schemas.Run)
    }

    /// Queues `kind` for the blueprint file and follows it until it ends, or, with
    /// `waitForApproval` false, until it waits for an approver. Returns the run as it was last seen.
    public func execute(
        _ kind: Components.Schemas.RunKind, file: String, environment: String?, message: String?, waitForApproval: Bool,
        progress: @Sendable (RunProgress) -> Void
    ) async throws -> Components.Schemas.Run {
        let (address, version) = try await push(file, environment: environment)
        let run = try await queue(kind, on: address, version: version, message: message)
        progress(.queued(run, address, blueprintVersion: version))
        var last = run
        var announced: Components.Schemas.RunState?
        var nextLine = 0
        var drops = 0
        while true {
            do {
                for try await event in follow(run.id, in: address.organisation, after: nextLine) {
                    switch event {
                    case .line(let text, let index):
                        progress(.line(text))
                        nextLine = index + 1
                    case .state(let state): last = state
                    }
                    drops = 0
                }
            } catch let error as ServiceError {
                throw error
            } catch {
                // The run goes on on the server whatever happens to this connection: follow
                // it again from the next line, unless the server stays out of reach.
                drops += 1
                guard drops < Self.followAttempts else {
                    throw ServiceError.failed("lost the connection to \(client.profile.server) while following run \(run.id): \(error)")
                }
                try await Task.sleep(for: .seconds(drops))
            }
            if Self.isFinal(last.state) { return last }
            // The stream ends at approval (or when the connection drops): ask for the run as it is now.
            last = try await self.run(run.id, in: address.organisation)
            guard Self.waitsForSomeone(last.state) else { continue }
            if announced != last.state {
                progress(.waitingForApproval(last))
                announced = last.state
            }
            guard waitForApproval else { return last }
            try await Task.sleep(for: .seconds(2))
        }
    }
}
