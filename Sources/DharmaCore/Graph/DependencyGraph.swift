/// Resources and the edges between them (`a` depends on `b` when `a` references `b` or lists it
/// in `dependsOn`). Order of nodes is the blueprint's order, which keeps every walk deterministic.
public struct DependencyGraph: Sendable {
    public private(set) var nodes: [String]
    /// node → the nodes it depends on.
    public private(set) var dependencies: [String: [String]]

    public init(nodes: [String], dependencies: [String: Set<String>]) {
        self.nodes = nodes
        let position = Self.positions(nodes)
        self.dependencies = dependencies.mapValues { set in
            set.compactMap { name in position[name].map { (name, $0) } }.sorted { $0.1 < $1.1 }.map(\.0)
        }
    }

    public func dependencies(of node: String) -> [String] {
        dependencies[node] ?? []
    }

    /// node → the nodes that depend on it.
    public var dependents: [String: [String]] {
        var result: [String: [String]] = [:]
        for node in nodes {
            for dependency in dependencies(of: node) { result[dependency, default: []].append(node) }
        }
        return result
    }

    /// Dependencies before dependents (Kahn's algorithm, ties broken by blueprint order);
    /// nil when there is a cycle.
    public func topologicalOrder() -> [String]? {
        var remaining = Dictionary(nodes.map { ($0, dependencies(of: $0).count) }, uniquingKeysWith: { first, _ in first })
        let dependents = self.dependents
        let position = Self.positions(nodes)
        var ready = Heap(nodes.indices.filter { remaining[nodes[$0]] == 0 && position[nodes[$0]] == $0 })
        var order: [String] = []
        order.reserveCapacity(nodes.count)
        while let next = ready.popMin() {
            let node = nodes[next]
            order.append(node)
            for dependent in dependents[node] ?? [] {
                let left = (remaining[dependent] ?? 1) - 1
                remaining[dependent] = left
                if left == 0, let index = position[dependent] { ready.insert(index) }
            }
        }
        return order.count == position.count ? order : nil
    }

    /// Every elementary cycle found by depth-first search, each starting at the node that comes
    /// first in the blueprint: `["a", "b", "c"]` means a → b → c → a.
    public func cycles() -> [[String]] {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var stack: [String] = []
        var found: [[String]] = []
        var seen: Set<[String]> = []
        let position = Self.positions(nodes)

        // Iterative DFS: blueprints may chain thousands of resources.
        for start in nodes where marks[start] == nil {
            var work: [(node: String, next: Int)] = [(start, 0)]
            marks[start] = .visiting
            stack.append(start)
            while var top = work.popLast() {
                let edges = dependencies(of: top.node)
                if top.next < edges.count {
                    let target = edges[top.next]
                    top.next += 1
                    work.append(top)
                    switch marks[target] {
                    case nil:
                        marks[target] = .visiting
                        stack.append(target)
                        work.append((target, 0))
                    case .visiting:
                        if let from = stack.lastIndex(of: target) {
                            var cycle = Array(stack[from...])
                            let first = cycle.indices.min { (position[cycle[$0]] ?? 0) < (position[cycle[$1]] ?? 0) } ?? 0
                            cycle = Array(cycle[first...] + cycle[..<first])
                            if seen.insert(cycle).inserted { found.append(cycle) }
                        }
                    case .done:
                        break
                    }
                } else {
                    marks[top.node] = .done
                    stack.removeLast()
                }
            }
        }
        return found
    }

    /// Each node's first position in blueprint order.
    private static func positions(_ nodes: [String]) -> [String: Int] {
        Dictionary(nodes.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Graphviz DOT, edges pointing from a resource to what it depends on.
    public func dot(name: String, labels: [String: String] = [:]) -> String {
        // DOT strings escape `"` and `\`; a line break in a label is written `\n`.
        func quote(_ text: String) -> String {
            "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n") + "\""
        }
        var out = "digraph \(quote(name)) {\n  rankdir = \"RL\";\n  node [shape = box];\n"
        for node in nodes {
            let label = labels[node].map { node + "\n" + $0 } ?? node
            out += "  \(quote(node)) [label = \(quote(label))];\n"
        }
        for node in nodes {
            for dependency in dependencies(of: node) { out += "  \(quote(node)) -> \(quote(dependency));\n" }
        }
        return out + "}\n"
    }
}
