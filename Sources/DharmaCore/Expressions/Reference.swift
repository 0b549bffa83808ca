/// What an expression such as `${var.replicas}`, `${db.path}` or `${self.port}` points at.
public struct Reference: Sendable, Hashable, CustomStringConvertible {
    public enum Root: Sendable, Hashable {
        case variable(String)
        case selfResource
        /// A resource's address as written: `db`, `app[0]`, `app["eu"]`, `app[*]`.
        case resource(String)
    }

    public var root: Root
    /// The attribute named after the root (`path`, `port` …); for variables, the variable name.
    public var attribute: String
    /// Keys into a map-valued attribute: `${web.env.DB_PATH}` has path `["DB_PATH"]`.
    public var path: [String]

    public var description: String {
        switch root {
        case .variable: return (["var", attribute] + path).joined(separator: ".")
        case .selfResource: return (["self", attribute] + path).joined(separator: ".")
        case .resource(let name): return ([name, attribute] + path).joined(separator: ".")
        }
    }

    public var resourceName: String? {
        if case .resource(let name) = root { return name }
        return nil
    }

    /// The referenced resource's address, parsed.
    public var address: ResourceAddress? {
        resourceName.flatMap(ResourceAddress.parse)
    }
}
