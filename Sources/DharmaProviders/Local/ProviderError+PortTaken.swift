import DharmaCore

extension ProviderError {
    /// A fixed port something else already listens on. Said before starting, because the
    /// readiness check would otherwise be answered by whoever holds the port.
    static func portTaken(_ port: Int, resource: String) -> ProviderError {
        ProviderError(resource: resource, "port \(port) on 127.0.0.1 is taken by another program; set `port` to a free one")
    }
}
