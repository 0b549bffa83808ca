/// The methods each path of the spec answers, so that a known path asked with another method
/// gets 405 with `Allow`, not 404.
struct RouteTable: Sendable {
    private var routes: [(segments: [String], methods: [String])] = []

    init(spec: [String: Any], extra: [String: [String]] = [:]) {
        let paths = spec["paths"] as? [String: Any] ?? [:]
        for (path, item) in paths {
            let methods = ["get", "put", "post", "delete", "patch"].filter { (item as? [String: Any])?[$0] != nil }.map { $0.uppercased() }
            routes.append((Self.segments(path), methods))
        }
        for (path, methods) in extra { routes.append((Self.segments(path), methods)) }
    }

    /// The methods `path` answers; empty when no route matches it.
    func methods(for path: String) -> [String] {
        let asked = Self.segments(path)
        for route in routes where route.segments.count == asked.count {
            let matches = zip(route.segments, asked).allSatisfy { template, segment in template.hasPrefix("{") || template == segment }
            if matches { return route.methods }
        }
        return []
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
