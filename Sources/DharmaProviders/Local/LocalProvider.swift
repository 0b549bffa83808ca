import DharmaCore

/// The local runtime: real files, directories, secrets and processes on this machine.
public struct LocalProvider: ReplicaRestarting {
    public let name = ProviderName.local

    public init() {}

    public func applyAvailability(for type: String) -> Availability {
        switch type {
        case "storage.file", "storage.bucket", "security.secret", "compute.service", "database.postgres", "security.certificate", "storage.volume":
            return .available
        default: return .unavailable("the local provider cannot run \(type)")
        }
    }

    public func refresh(_ state: ResourceState, context: ProviderContext) async throws -> Observation {
        switch state.type {
        case "storage.file": return FileResource().refresh(state)
        case "storage.bucket": return BucketResource().refresh(state)
        case "security.secret": return SecretResource().refresh(state)
        case "compute.service": return ServiceResource().refresh(state, context: context)
        case "database.postgres": return PostgresResource().refresh(state)
        case "security.certificate": return CertificateResource().refresh(state, context: context)
        case "storage.volume": return VolumeResource().refresh(state)
        default: return .missing
        }
    }

    public func apply(_ resource: DesiredResource, prior: ResourceState?, context: ProviderContext) async throws -> [String: Value] {
        switch resource.type {
        case "storage.file": return try FileResource().apply(resource, context: context)
        case "storage.bucket": return try BucketResource().apply(resource, context: context)
        case "security.secret": return try SecretResource().apply(resource, prior: prior, context: context)
        case "compute.service": return try await ServiceResource().apply(resource, prior: prior, context: context)
        case "database.postgres": return try await PostgresResource().apply(resource, prior: prior, context: context)
        case "security.certificate": return try CertificateResource().apply(resource, prior: prior, context: context)
        case "storage.volume": return try await VolumeResource().apply(resource, prior: prior, context: context)
        default: throw ProviderError(resource: resource.name, "the local provider cannot run \(resource.type)")
        }
    }

    public func delete(_ state: ResourceState, context: ProviderContext) async throws {
        switch state.type {
        case "storage.file": try FileResource().delete(state)
        case "storage.bucket": try BucketResource().delete(state)
        case "security.secret": try SecretResource().delete(state)
        case "compute.service": await ServiceResource().delete(state, context: context)
        case "database.postgres": try await PostgresResource().delete(state)
        case "security.certificate": try CertificateResource().delete(state)
        case "storage.volume": try await VolumeResource().delete(state)
        default: break
        }
    }

    public func restartReplica(_ replica: Int, of state: ResourceState, drain: Bool, context: ProviderContext) async throws -> [String: Value] {
        guard state.type == "compute.service" else {
            throw ProviderError(resource: state.name, "only a compute.service has replicas to restart")
        }
        return try await ServiceResource().restartReplica(replica, of: state, drain: drain, context: context)
    }
}
