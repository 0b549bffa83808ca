import DharmaCore

/// One running replica of a recorded service (or the process of a local database), as its outputs list it.
public struct Replica: Sendable, Hashable {
    public var index: Int
    public var pid: Int32
    public var port: Int

    public static func all(of state: ResourceState) -> [Replica] {
        // A local PostgreSQL server is one process, reported as replica 0.
        if state.type == "database.postgres" {
            guard let pid = state.outputs["pid"]?.intValue, pid > 0, let port = state.outputs["port"]?.intValue else { return [] }
            return [Replica(index: 0, pid: Int32(pid), port: port)]
        }
        return (state.outputs["instances"]?.listValue ?? []).compactMap { value in
            guard let map = value.mapValue, let index = map["index"]?.intValue, let pid = map["pid"]?.intValue,
                let port = map["port"]?.intValue
            else { return nil }
            return Replica(index: index, pid: Int32(pid), port: port)
        }.sorted { $0.index < $1.index }
    }

    /// The services of a stack, for the watches.
    public static func services(in recorded: StackState) -> [ResourceState] {
        recorded.resources.values.filter { $0.type == "compute.service" }.sorted { $0.name < $1.name }
    }
}
