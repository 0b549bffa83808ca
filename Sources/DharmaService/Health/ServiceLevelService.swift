import DharmaCore
import DharmaMetrics
import DharmaStore
import Foundation

/// Where each service of a stack stands against its `slo`: SLIs over the objective's window,
/// the error budget left, burn rates and the alerts that fire, from what the services' proxies
/// recorded in the stack's metrics.
public struct ServiceLevelService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    public func statuses(_ selector: StackSelector, now: Date = Date()) async throws(ServiceError) -> (StackID, [ServiceLevelStatus]) {
        try context.authorise(.read, "read service levels")
        let location = selector.location(context)
        try location.requireExisting()
        let store = try location.store()
        let stack = try await selector.resolve(in: store)
        guard let metrics = store as? any MetricsStore else { return (stack, []) }
        return try await serviceCall {
            (stack, try await ServiceLevelReader(metrics: MetricsRepository(store: metrics)).statuses(of: try await store.state(of: stack), now: now))
        }
    }
}
