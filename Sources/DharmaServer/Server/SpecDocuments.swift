import DharmaAPI
import Foundation
import Hummingbird
import Yams

/// The API's own description: the checked-in spec as JSON at `/openapi.json` (and as written at
/// `/openapi.yaml`), and a docs page at `/docs` rendered here from it, so no JavaScript viewer
/// has to be shipped.
struct SpecDocuments: Sendable {
    let yaml: String
    let json: ByteBuffer
    let docs: ByteBuffer
    let routes: RouteTable
    let parameters: ParameterRules

    init() throws {
        yaml = try APISpec.yaml()
        guard let object = try Yams.load(yaml: yaml) else { throw SpecError(description: "the API spec is empty") }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        json = ByteBuffer(bytes: data)
        docs = ByteBuffer(string: Self.page(object as? [String: Any] ?? [:]))
        parameters = ParameterRules(spec: object as? [String: Any] ?? [:])
        routes = RouteTable(
            spec: object as? [String: Any] ?? [:], extra: ["/openapi.json": ["GET"], "/openapi.yaml": ["GET"], "/docs": ["GET"], "/metrics": ["GET"]])
    }

    struct SpecError: Error, CustomStringConvertible { var description: String }

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("openapi.json") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: json)) }
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: yaml)))
        }
        router.get("docs") { _, _ in Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: docs)) }
    }

    /// One HTML page listing every operation by tag: method, path, summary, parameters.
    static func page(_ spec: [String: Any]) -> String {
        let info = spec["info"] as? [String: Any] ?? [:]
        let paths = spec["paths"] as? [String: Any] ?? [:]
        var byTag: [String: [String]] = [:]
        for path in paths.keys.sorted() {
            guard let item = paths[path] as? [String: Any] else { continue }
            for method in ["get", "post", "put", "patch", "delete"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                let tag = (operation["tags"] as? [String])?.first ?? "other"
                let parameters = ((item["parameters"] as? [[String: Any]] ?? []) + (operation["parameters"] as? [[String: Any]] ?? []))
                    .compactMap { $0["name"] as? String }
                byTag[tag, default: []].append(
                    """
                    <tr><td class="m \(method)">\(method.uppercased())</td><td><code>\(escape(path))</code></td>\
                    <td>\(escape(operation["summary"] as? String ?? ""))<br><small>\(escape(operation["operationId"] as? String ?? ""))\
                    \(parameters.isEmpty ? "" : " · " + parameters.map(escape).joined(separator: ", "))</small></td></tr>
                    """)
            }
        }
        let sections = byTag.keys.sorted().map { tag in
            "<h2>\(escape(tag))</h2><table>\(byTag[tag, default: []].joined())</table>"
        }
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(info["title"] as? String ?? "API"))</title>
            <style>body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;width:100%}\
            td{border-bottom:1px solid #ddd;padding:.4em;vertical-align:top}.m{font-weight:bold;width:5em}.get{color:#075}.post{color:#05a}\
            .put{color:#a60}.delete{color:#b00}code{font-size:14px}</style></head><body>
            <h1>\(escape(info["title"] as? String ?? "API")) <small>\(escape(info["version"] as? String ?? ""))</small></h1>
            <p>\(escape(info["description"] as? String ?? ""))</p><p>The machine-readable spec: <a href="/openapi.json">/openapi.json</a>.</p>
            \(sections.joined(separator: "\n"))
            </body></html>
            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
