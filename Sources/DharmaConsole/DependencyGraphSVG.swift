/// A stack's resources and what each depends on, drawn as an SVG on the server: one column
/// per depth (a resource sits one column right of the deepest thing it depends on), edges
/// from dependency to dependent. No script and no chart library.
enum DependencyGraphSVG {
    struct Node {
        var name: String
        var type: String
        var dependencies: [String]
    }

    static let (width, height, columnGap, rowGap, margin) = (180, 44, 60, 16, 8)

    static func render(_ nodes: [Node]) -> String? {
        guard !nodes.isEmpty else { return nil }
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var depths: [String: Int] = [:]
        func depth(_ name: String, _ visiting: Set<String>) -> Int {
            if let known = depths[name] { return known }
            // A cycle (which a recorded state should never have) ends at the repeat.
            let parents = (byName[name]?.dependencies ?? []).filter { byName[$0] != nil && !visiting.contains($0) }
            let value = parents.map { depth($0, visiting.union([name])) + 1 }.max() ?? 0
            depths[name] = value
            return value
        }
        for node in nodes { _ = depth(node.name, []) }
        var rows: [Int: Int] = [:]
        var position: [String: (x: Int, y: Int)] = [:]
        for node in nodes.sorted(by: { ($0.type, $0.name) < ($1.type, $1.name) }) {
            let column = depths[node.name] ?? 0
            let row = rows[column, default: 0]
            rows[column] = row + 1
            position[node.name] = (margin + column * (width + columnGap), margin + row * (height + rowGap))
        }
        let totalWidth = margin * 2 + ((depths.values.max() ?? 0) + 1) * (width + columnGap) - columnGap
        let totalHeight = margin * 2 + (rows.values.max() ?? 1) * (height + rowGap) - rowGap
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 \(totalWidth) \(totalHeight)" width="\(totalWidth)" height="\(totalHeight)" \
            role="img" aria-label="Dependency graph of \(nodes.count) resources">
            <defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto">\
            <path d="M0,0 L8,4 L0,8 z" fill="#545d68"/></marker></defs>

            """
        for node in nodes {
            guard let to = position[node.name] else { continue }
            for dependency in node.dependencies {
                guard let from = position[dependency] else { continue }
                svg += "<line x1=\"\(from.x + width)\" y1=\"\(from.y + height / 2)\" x2=\"\(to.x)\" y2=\"\(to.y + height / 2)\" "
                svg += "stroke=\"#545d68\" marker-end=\"url(#arrow)\"/>\n"
            }
        }
        for node in nodes {
            guard let at = position[node.name] else { continue }
            svg += "<g><title>\(SVGText.escape(node.name)) (\(SVGText.escape(node.type)))</title>"
            svg += "<rect x=\"\(at.x)\" y=\"\(at.y)\" width=\"\(width)\" height=\"\(height)\" rx=\"4\" fill=\"#fff\" stroke=\"#0b5cad\"/>"
            svg += "<text x=\"\(at.x + 8)\" y=\"\(at.y + 18)\" font-size=\"13\" font-weight=\"600\" fill=\"#1b1f24\">\(SVGText.escape(clip(node.name)))</text>"
            svg += "<text x=\"\(at.x + 8)\" y=\"\(at.y + 35)\" font-size=\"11\" fill=\"#545d68\">\(SVGText.escape(clip(node.type)))</text></g>\n"
        }
        return svg + "</svg>"
    }

    static func clip(_ text: String) -> String {
        text.count > 24 ? String(text.prefix(23)) + "…" : text
    }
}
