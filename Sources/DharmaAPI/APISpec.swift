import Foundation

/// The checked-in OpenAPI document the API's code is generated from, as the server serves it.
public enum APISpec {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "the API spec is missing from the package's resources" }
    }

    /// The spec's YAML text.
    public static func yaml() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else { throw Missing() }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
