import Foundation

/// What every operation runs with: who asks, the settings the process environment gives
/// (`DHARMA_STATE`, `DHARMA_AUDIT_WEBHOOK`, …), and where warnings that must not stop the work
/// go (an undelivered webhook).
public struct ServiceContext: Sendable {
    public var principal: Principal
    public var environment: [String: String]
    public var warn: @Sendable (String) -> Void

    public init(
        principal: Principal = .localUser, environment: [String: String] = ProcessInfo.processInfo.environment,
        warn: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.principal = principal
        self.environment = environment
        self.warn = warn
    }

    /// Refuses unless the principal holds `permission`.
    func authorise(_ permission: Permission, _ what: String) throws(ServiceError) {
        guard principal.may(permission) else {
            throw .forbidden("\(principal.name) may not \(what) (needs the \(permission.rawValue) permission)")
        }
    }
}
