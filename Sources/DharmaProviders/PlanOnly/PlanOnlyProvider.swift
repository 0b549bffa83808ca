import DharmaCore

/// A cloud provider Dharma can validate and plan for, but not yet apply to. It says so before
/// anything is touched, rather than pretending.
public struct PlanOnlyProvider: Provider {
    public let name: ProviderName

    public init(_ name: ProviderName) {
        self.name = name
    }

    public func applyAvailability(for type: String) -> Availability {
        .unavailable(
            "applying to \(name.rawValue) is not implemented in this version; `dharma plan` works, and apply arrives with the \(name.rawValue) provider")
    }

    /// Nothing can have been applied through this provider, so there is nothing to read back.
    public func refresh(_ state: ResourceState, context: ProviderContext) async throws -> Observation {
        Observation(exists: true)
    }

    public func apply(_ resource: DesiredResource, prior: ResourceState?, context: ProviderContext) async throws -> [String: Value] {
        throw ProviderError(resource: resource.name, "applying to \(name.rawValue) is not implemented in this version")
    }

    public func delete(_ state: ResourceState, context: ProviderContext) async throws {
        throw ProviderError(resource: state.name, "deleting from \(name.rawValue) is not implemented in this version")
    }
}

extension ProviderRegistry {
    /// Every provider this build has: the local runtime, and plan-only clouds.
    public static var standard: ProviderRegistry {
        ProviderRegistry([LocalProvider()] + ProviderName.allCases.filter { $0 != .local }.map(PlanOnlyProvider.init))
    }
}
