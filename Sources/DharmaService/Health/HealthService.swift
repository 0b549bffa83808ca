import DharmaAutopilot
import DharmaEngine

/// A running stack's health, 0–100, and what costs it points.
public struct HealthService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    public func health(_ input: BlueprintInput) async throws(ServiceError) -> (stack: String, score: HealthScore) {
        try context.authorise(.read, "read health")
        let prepared = try input.prepare()
        let engine = try input.location(context).engine(context)
        let score = try await serviceCall { try await HealthScore.current(of: prepared, engine: engine) }
        return (prepared.stack.description, score)
    }
}
