import DharmaAPI
import DharmaService
import Foundation

/// A whole remote run as `dharma apply --remote` sees it: push the blueprint file, queue the
/// run, follow its log to the end, and wait through approval when asked to.
extension RemoteStackService {
    /// What happens along the way, for the caller to render.
    public enum RunProgress: Sendable {
        case queued(Components.Schemas.Run, StackAddress, blueprintVersion: Int)
        case line(String)
        /// Said once, the first time the run is seen waiting for approval.
        case waitingForApproval(Components.Schemas.Run)
    }

    /// Queues `kind` for the blueprint file and follows it until it ends, or, with
    /// `waitForApproval` false, until it waits for approval. Returns the run as it was last seen.
    public func execute(
        _ kind: Components.Schemas.RunKind, file: String, environment: String?, message: String?, waitForApproval: Bool,
        progress: @Sendable (RunProgress) -> Void
    ) async throws -> Components.Schemas.Run {
        let (address, version) = try await push(file, environment: environment)
        let run = try await queue(kind, on: address, version: version, message: message)
        progress(.queued(run, address, blueprintVersion: version))
        var last = run
        var announced = false
        while true {
            for try await event in follow(run.id, in: address.organisation) {
                switch event {
                case .line(let text): progress(.line(text))
                case .state(let state): last = state
                }
            }
            if Self.isFinal(last.state) { return last }
            // The stream ends at approval (or when the connection drops): ask for the run as it is now.
            last = try await self.run(run.id, in: address.organisation)
            guard last.state == .needsApproval else { continue }
            if !announced {
                progress(.waitingForApproval(last))
                announced = true
            }
            guard waitForApproval else { return last }
            try await Task.sleep(for: .seconds(2))
        }
    }
}
