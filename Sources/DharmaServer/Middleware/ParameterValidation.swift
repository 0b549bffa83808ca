import Foundation
import Hummingbird

/// Checks every path and query parameter against the spec before a handler sees it: types,
/// bounds, lengths, patterns and required parameters, as the spec declares them. A request the
/// spec does not allow is 400 naming the parameter, so what the API accepts is what it
/// documents (the generated layer checks types only).
struct ParameterRules: Sendable {
    struct Rule: Sendable {
        enum Kind: Sendable { case string, integer, boolean }
        var name: String
        var inPath: Bool
        var required: Bool
        var kind: Kind
        var minimum: Int?
        var maximum: Int?
        var maxLength: Int?
        /// Compiled once: compiling it per request cost more than the handler.
        var pattern: ParameterPattern?

        /// Why `value` breaks the rule, or nil.
        func violation(_ value: String) -> String? {
            switch kind {
            case .integer:
                guard let number = Int(value) else { return "`\(name)` must be an integer" }
                if let minimum, number < minimum { return "`\(name)` must be at least \(minimum)" }
                if let maximum, number > maximum { return "`\(name)` must be at most \(maximum)" }
            case .boolean:
                guard value == "true" || value == "false" else { return "`\(name)` must be true or false" }
            case .string:
                if let maxLength, value.count > maxLength { return "`\(name)` must be at most \(maxLength) characters" }
                if let pattern, !pattern.matches(value) { return "`\(name)` must match \(pattern.source)" }
            }
            return nil
        }
    }

    struct Operation: Sendable {
        /// Each path segment: a literal, or nil where a parameter goes.
        var segments: [String?]
        var rules: [Rule]
        /// Where each path parameter's value is among the path's segments.
        var positions: [String: Int]
        var hasQueryRules: Bool { rules.contains { !$0.inPath } }
    }

    /// By method and number of path segments, the most literal segments first.
    private var operations: [String: [Int: [Operation]]] = [:]

    init(spec: [String: Any]) {
        let components = spec["components"] as? [String: Any] ?? [:]
        let parameters = components["parameters"] as? [String: Any] ?? [:]
        let schemas = components["schemas"] as? [String: Any] ?? [:]
        func resolve(_ object: Any?, in table: [String: Any]) -> [String: Any] {
            guard let object = object as? [String: Any] else { return [:] }
            guard let reference = object["$ref"] as? String, let name = reference.split(separator: "/").last else { return object }
            return table[String(name)] as? [String: Any] ?? [:]
        }
        for (path, item) in spec["paths"] as? [String: Any] ?? [:] {
            guard let item = item as? [String: Any] else { continue }
            let shared = item["parameters"] as? [Any] ?? []
            for method in ["get", "put", "post", "delete", "patch"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                let rules = (shared + (operation["parameters"] as? [Any] ?? [])).compactMap { entry -> Rule? in
                    let parameter = resolve(entry, in: parameters)
                    guard let name = parameter["name"] as? String, let location = parameter["in"] as? String else { return nil }
                    let schema = resolve(parameter["schema"], in: schemas)
                    let kind: Rule.Kind =
                        switch schema["type"] as? String {
                        case "integer": .integer
                        case "boolean": .boolean
                        default: .string
                        }
                    return Rule(
                        name: name, inPath: location == "path", required: parameter["required"] as? Bool ?? false, kind: kind,
                        minimum: schema["minimum"] as? Int, maximum: schema["maximum"] as? Int, maxLength: schema["maxLength"] as? Int,
                        pattern: (schema["pattern"] as? String).flatMap(ParameterPattern.init))
                }
                let segments = path.split(separator: "/").map(String.init)
                let positions = Dictionary(segments.indices.map { (segments[$0].trimmingCharacters(in: ["{", "}"]), $0) }) { first, _ in first }
                operations[method.uppercased(), default: [:]][segments.count, default: []].append(
                    Operation(segments: segments.map { $0.hasPrefix("{") ? nil : $0 }, rules: rules, positions: positions))
            }
        }
        // A literal segment wins over a template one (`/v1/tokens/current` before `/v1/tokens/{id}`).
        func literals(_ operation: Operation) -> Int { operation.segments.compactMap { $0 }.count }
        for (method, bySize) in operations {
            for (size, candidates) in bySize { operations[method]?[size] = candidates.sorted { literals($0) > literals($1) } }
        }
    }

    /// The first parameter of the request that the spec does not allow, and why; `query` is
    /// read only for an operation that has query parameters.
    func violation(method: String, path: String, query: () -> [(String, String)]) -> (name: String, reason: String)? {
        let segments = path.split(separator: "/")
        guard
            let operation = operations[method]?[segments.count]?.first(where: { operation in
                zip(operation.segments, segments).allSatisfy { literal, segment in literal.map { $0 == segment } ?? true }
            })
        else { return nil }
        let query = operation.hasQueryRules ? query() : []
        for rule in operation.rules {
            if rule.inPath {
                guard let index = operation.positions[rule.name] else { continue }
                let value = String(segments[index])
                let decoded = value.utf8.contains(UInt8(ascii: "%")) ? value.removingPercentEncoding ?? value : value
                if let reason = rule.violation(decoded) { return (rule.name, reason) }
            } else {
                let values = query.filter { $0.0 == rule.name }.map(\.1)
                if rule.required, values.isEmpty { return (rule.name, "`\(rule.name)` is required") }
                for value in values { if let reason = rule.violation(value) { return (rule.name, reason) } }
            }
        }
        return nil
    }
}

struct ParameterValidationMiddleware<Context: RequestContext>: RouterMiddleware {
    let rules: ParameterRules

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let query = { request.uri.queryParameters.map { (String($0.key), String($0.value)) } }
        if let (name, reason) = rules.violation(method: request.method.rawValue, path: request.uri.path, query: query) {
            return ProblemDocument(status: .badRequest, code: "invalid-parameter", detail: reason, instance: request.uri.path, pointer: "/\(name)")
                .response()
        }
        return try await next(request, context)
    }
}
